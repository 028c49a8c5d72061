# DDL's four branches (TFace tasks/ddl train_config.yaml: easy and hard
# ID-balanced single images, easy and hard positive pairs, 32 each per GPU)
# over a RecordIO face set, split files from
# tools/dataset_converters/ddl_split.py in <data_root>/ddl_split/.
# Children set the paths (and hard_pipeline for degraded hard branches).
_base_ = ['./face_verification_bin.py']
data_root = 'data/faces_emore/'
train_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=32,  # per branch and GPU: 4 x 32 items, 6 x 32 images
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),  # seed and epoch
    batch_sampler=dict(type='DDLBatchSampler'),
    dataset=dict(
        type='DDLBranchDataset',
        dataset=dict(
            type='FaceRecordIODataset', data_root=data_root,
            rec_file='train.rec'),
        data_root=data_root + 'ddl_split/',
        easy_file='easy.txt',
        hard_file='hard.txt',
        pairs_easy_file='pairs_easy.txt',
        pairs_hard_file='pairs_hard.txt',
        hard_pair='hr_degraded',
        pipeline=train_pipeline,
        hard_pipeline=train_pipeline))
