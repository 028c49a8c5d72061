# DDL for large poses, the paper's pose setting (VGG + R100): fine-tune a
# CurricularFace IR-100 on VGGFace2 (8,631 training identities, aligned to
# 112x112 in one folder per identity) with frontal faces as the easy branch
# and large-yaw faces as the hard branch. Split files (yaw from VGGFace2's
# five landmarks, hard from |yaw| >= 45 degrees, our threshold):
#   python tools/dataset_converters/ddl_split.py pose \
#       --folder data/vggface2/train \
#       --landmarks data/vggface2/bb_landmark/loose_landmark_train.csv \
#       --yaw-thr 45 --out data/vggface2/ddl_split
# Evaluation: CFP-FP and CPLFW (ddl_ir100_eval-bin.py).
_base_ = [
    '../_base_/models/face_ir100_ddl.py',
    '../_base_/datasets/face_ddl_branches.py',
    '../_base_/schedules/face_ddl_ft_2e.py',
    'mmpretrain::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmext.face'], allow_failed_imports=False)

data_root = 'data/vggface2/'
model = dict(share_head=True, head=dict(num_classes=8631))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    dataset=dict(
        dataset=dict(
            _delete_=True,
            type='FaceFolderDataset',
            data_root=data_root,
            data_prefix='train'),
        data_root=data_root + 'ddl_split/',
        # a hard pair is a frontal and a large-yaw image of one identity;
        # no degradation
        pipeline=train_pipeline,
        hard_pipeline=train_pipeline))

load_from = 'work_dirs/curricularface_ir101_8xb64_ms1mv2/epoch_24.pth'
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(type='CheckpointHook', interval=1, max_keep_ckpts=2))
custom_hooks = [dict(type='SyncBuffersHook')]
randomness = dict(seed=1337)
