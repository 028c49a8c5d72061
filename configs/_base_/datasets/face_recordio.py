# Training on an insightface release: aligned 112x112 faces in
# train.rec/train.idx, read by FaceRecordIODataset, with a horizontal flip;
# validation and test on the .bin pair sets of face_verification_bin.py.
# A dataset config sets data_root and train_dataloader.dataset.data_root.
_base_ = ['./face_verification_bin.py']
dataset_type = 'FaceRecordIODataset'
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
        type=dataset_type, rec_file='train.rec', pipeline=train_pipeline))
