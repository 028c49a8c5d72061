# ASFD-D0 quickstart: a narrow ASFD-D0 (MobileNetV2 x0.25, Auto-FEM and head
# width 16) trained from scratch on synthetic WIDER FACE data on 2 CPU cores.
# The data (48 training and 16 validation images in the official WIDER FACE
# layout, with the official eval_tools .mat files) is written
# deterministically on first use by mmext.det.datasets.wider_face_quickstart
# and read by WIDERFaceTxtDataset; WIDERFaceMetric reports the official
# Easy/Medium/Hard AP. Everything else is the ASFD recipe (Auto-FEM with the
# found genotype, dual shot, max-in-out, DRMC loss, SSD matching with hard
# negative mining) at a small scale; the baseline is mmdet's RetinaNet with
# the same backbone on the same data and schedule
# (retinanet_mobilenetv2_quickstart_baseline.py).
_base_ = [
    'mmdet::_base_/default_runtime.py', '../_base_/models/asfd_r18_autofem.py'
]
custom_imports = dict(imports=['mmext.det'], allow_failed_imports=False)
default_scope = 'mmdet'

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/asfd/'
quickstart = dict(
    task='face detection',
    metric='wider_face/hard',
    prepare='mmext.det.datasets.wider_face_quickstart.prepare_quickstart_data',
    compare=['retinanet_mobilenetv2_quickstart_baseline.py'])

width = 16  # 1/4 of ASFD-D0's width, for 2 CPU cores
backbone_channels = [8, 8, 24, 80]  # MobileNetV2 x0.25, strides 4-32
model = dict(
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=0.25,
        out_indices=(1, 2, 4, 6),
        act_cfg=dict(type='ReLU6'),
        init_cfg=None),  # from scratch: no checkpoint download
    neck=dict(
        in_channels=backbone_channels,
        out_channels=width,
        extra_channels=(width, width)),
    bbox_head=dict(in_channels=[width] * 6, feat_channels=width),
    first_shot_head=dict(in_channels=[width] * 6, feat_channels=width))

backend_args = None
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale_factor=1.0, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='WIDERFaceTxtDataset',
        data_root=data_root,
        ann_file='wider_face_split/wider_face_train_bbx_gt.txt',
        data_prefix=dict(img='WIDER_train/images/'),
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='WIDERFaceTxtDataset',
        data_root=data_root,
        ann_file='wider_face_split/wider_face_val_bbx_gt.txt',
        data_prefix=dict(img='WIDER_val/images/'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(
    type='WIDERFaceMetric', gt_dir=data_root + 'eval_tools/ground_truth/')
test_evaluator = val_evaluator

max_epochs = 10
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=max_epochs + 1)  # tools/test.py evaluates the last epoch
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.05, momentum=0.9, weight_decay=5e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.1, by_epoch=False, begin=0, end=24),
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
    checkpoint=dict(type='CheckpointHook', interval=max_epochs,
                    max_keep_ckpts=1))
work_dir = './work_dirs/asfd_d0_quickstart'
randomness = dict(seed=0)
