# MS1MV2 ("faces_emore", refined MS-Celeb-1M by insightface): 85,742
# identities, 5,822,653 aligned 112x112 faces in train.rec/train.idx.
_base_ = ['./face_verification_bin.py']
dataset_type = 'FaceRecordIODataset'
data_root = 'data/faces_emore/'
train_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=64,  # x 8 GPUs = 512
    num_workers=8,
    persistent_workers=True,
    drop_last=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        rec_file='train.rec',
        pipeline=train_pipeline))
