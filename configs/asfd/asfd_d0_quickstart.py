# ASFD-D0 quickstart: a narrow ASFD-D0 (MobileNetV2 x0.25, Auto-FEM and head
# width 16) trained from scratch on synthetic WIDER FACE data on 2 CPU cores.
# The data (48 training and 24 validation images in the official WIDER FACE
# layout, with the official eval_tools .mat files) is written
# deterministically on first use by
# mmext.det.datasets.wider_face_quickstart_data
# and read by WIDERFaceTxtDataset; WIDERFaceMetric reports the official
# Easy/Medium/Hard AP. Everything else is the ASFD-D0 recipe (Auto-FEM with
# the found genotype, dual shot, max-in-out, DRMC loss, SSD matching with
# hard negative mining) at a small scale: images at their size (no
# zoom/crop augmentation), batch 4, 10 epochs, Adam (lr 3e-3). The baseline is
# mmdet's RetinaNet with the same backbone on the same data and schedule
# (retinanet_mobilenetv2_quickstart_baseline.py).
_base_ = ['./asfd-d0_mobilenetv2_8xb4-121e_widerface.py']

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/asfd/'
quickstart = dict(
    task='face detection',
    metric='wider_face/hard',
    prepare='mmext.det.datasets.wider_face_quickstart_data.'
    'prepare_quickstart_data',
    compare=['retinanet_mobilenetv2_quickstart_baseline.py'])

width = 16  # 1/4 of ASFD-D0's width, for 2 CPU cores
model = dict(
    backbone=dict(widen_factor=0.25,
                  init_cfg=None),  # from scratch: nothing can be downloaded
    neck=dict(
        in_channels=[8, 8, 24, 80],  # MobileNetV2 x0.25, strides 4-32
        out_channels=width,
        extra_channels=(width, width)),
    bbox_head=dict(in_channels=[width] * 6, feat_channels=width),
    first_shot_head=dict(in_channels=[width] * 6, feat_channels=width))

train_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root))
test_dataloader = val_dataloader
val_evaluator = dict(gt_dir=data_root + 'eval_tools/ground_truth/')
test_evaluator = val_evaluator

max_epochs = 10
train_cfg = dict(
    max_epochs=max_epochs,
    val_begin=max_epochs + 1)  # tools/test.py evaluates the last epoch
# Adam instead of the recipe's SGD, for both models: from scratch in 120
# iterations SGD (lr 0.05) leaves both near zero (Hard AP 0.0006 ASFD,
# 0.0134 RetinaNet in our runs).
optim_wrapper = dict(
    optimizer=dict(_delete_=True, type='Adam', lr=3e-3, weight_decay=0))
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=24),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[8],
        gamma=0.1)
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=6),
    checkpoint=dict(
        type='CheckpointHook', interval=max_epochs, max_keep_ckpts=1))
work_dir = './work_dirs/asfd_d0_quickstart'
randomness = dict(seed=0)
