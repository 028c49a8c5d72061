# CASIA-WebFace (insightface "faces_webface_112x112"): 10,572 identities,
# 490,623 aligned 112x112 faces in train.rec/train.idx.
_base_ = ['./face_verification_bin.py']
dataset_type = 'FaceRecordIODataset'
data_root = 'data/faces_webface_112x112/'
bin_root = data_root
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
val_dataloader = dict(dataset=dict(data_root=bin_root))
test_dataloader = dict(dataset=dict(data_root=bin_root))
