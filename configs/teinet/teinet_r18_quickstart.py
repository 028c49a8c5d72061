# Quickstart: TEINet-R18 on a tiny synthetic video set whose four classes
# (a square moving right / left / down / up) differ only in temporal order.
# Generated on first use by `prepare` below, in mmaction2's rawframe format,
# and read by mmaction2's RawframeDataset.  Trained from scratch (no
# download) on 64x64 frames, 8 segments; tsn_r18_quickstart_baseline.py
# trains TSN with the same ResNet-18 the same way.
_base_ = 'mmaction::_base_/default_runtime.py'

custom_imports = dict(imports=['mmext.action'], allow_failed_imports=False)

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/teinet/'
quickstart = dict(
    task='action recognition',
    metric='acc/top1',
    prepare='mmext.action.datasets.temporal_order_quickstart_data.'
    'prepare_quickstart_data',
    compare=['tsn_r18_quickstart_baseline.py'])

num_segments = 8
model = dict(
    type='Recognizer2D',
    backbone=dict(
        type='TEINet',
        pretrained=None,
        depth=18,
        num_segments=num_segments,
        norm_eval=False,
        mem_cfg=dict(reduction=8),
        tim_cfg=dict(kernel_size=3, init='shift', shift_div=8)),
    cls_head=dict(
        type='TSMHead',
        num_classes=4,
        in_channels=512,
        num_segments=num_segments,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.5,
        init_std=0.01,
        average_clips='prob'),
    data_preprocessor=dict(
        type='ActionDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        format_shape='NCHW'))

dataset_type = 'RawframeDataset'
# Flipping left-right swaps "move right" and "move left", as the
# Something-Something configs swap their left/right classes.
flip_label_map = {0: 1, 1: 0}
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_segments),
    dict(type='RawFrameDecode'),
    dict(type='Flip', flip_ratio=0.5, flip_label_map=flip_label_map),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
val_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1,
         num_clips=num_segments, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='PackActionInputs')
]
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        ann_file=data_root + 'train_list_rawframes.txt',
        data_prefix=dict(img=data_root + 'rawframes'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=8,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=data_root + 'val_list_rawframes.txt',
        data_prefix=dict(img=data_root + 'rawframes'),
        pipeline=val_pipeline,
        test_mode=True))
test_dataloader = val_dataloader
val_evaluator = dict(type='AccMetric')
test_evaluator = val_evaluator

# 5 epochs (TEINet 0.9844 / 0.9375 top-1 for seeds 0 / 1 in our runs, one
# thread); no validation while training: tools/quickstart.py tests the last
# epoch
max_epochs = 5
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs,
    val_begin=max_epochs + 1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    constructor='TSMOptimWrapperConstructor',
    paramwise_cfg=dict(fc_lr5=True),
    optimizer=dict(type='SGD', lr=0.02, momentum=0.9, weight_decay=1e-4),
    clip_grad=dict(max_norm=20, norm_type=2))
param_scheduler = [
    dict(type='CosineAnnealingLR', T_max=max_epochs, eta_min=0,
         by_epoch=True, begin=0, end=max_epochs)
]
default_hooks = dict(
    logger=dict(interval=6),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1))
randomness = dict(seed=0, deterministic=False)
