# DDL for low-resolution faces, the paper's SCface setting (MS1M + R100):
# fine-tune a CurricularFace IR-100 trained on MS1MV2 with DDL, the hard
# branches being the easy data degraded to a random 14-40 px side and
# resized back (RandomLowResolution). The degradation range is our choice
# (the paper's is not released). Split files:
#   python tools/dataset_converters/ddl_split.py degrade \
#       --rec data/faces_emore/train.rec --out data/faces_emore/ddl_split
# Recipe of TFace tasks/ddl: 4 branches x 32 per GPU x 8 GPUs, SGD lr 1e-3,
# 2 epochs, wd 5e-4 (none on BN), momentum 0.9, inputs in [-1, 1].
_base_ = [
    '../_base_/models/face_ir100_ddl.py',
    '../_base_/datasets/face_ddl_branches.py',
    '../_base_/schedules/face_ddl_ft_2e.py',
    'mmpretrain::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmext.face'], allow_failed_imports=False)

# the easy and hard branches index the same 85,742 identities: one head
model = dict(share_head=True, head=dict(num_classes=85742))

hard_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(type='RandomLowResolution', side_range=(14, 40)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(dataset=dict(hard_pipeline=hard_pipeline))

# a CurricularFace IR-100 checkpoint of
# configs/curricularface/curricularface_ir101_8xb64_ms1mv2.py
load_from = 'work_dirs/curricularface_ir101_8xb64_ms1mv2/epoch_24.pth'
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2))
custom_hooks = [dict(type='SyncBuffersHook')]
randomness = dict(seed=1337)
