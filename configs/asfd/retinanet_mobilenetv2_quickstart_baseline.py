# mmdet's RetinaNet on the ASFD quickstart data (see asfd_d0_quickstart.py):
# the same MobileNetV2 x0.25 backbone trained from scratch, the same data,
# schedule and width 16, with RetinaNet's own FPN, head (4 stacked convs, 9
# anchors per location), focal loss and assigner
# (mmdet::_base_/models/retinanet_r50_fpn.py). As ASFD, its pyramid spans
# strides 4-128 (P2-P7) so that it sees the small faces.
_base_ = ['./asfd_d0_quickstart.py']

quickstart = dict(
    task='face detection',
    metric='wider_face/hard',
    prepare='mmext.det.datasets.wider_face_quickstart_data.'
    'prepare_quickstart_data',
    compare=[])

model = dict(
    _delete_=True,
    type='RetinaNet',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=128),
    backbone=dict(
        type='MobileNetV2',
        widen_factor=0.25,
        out_indices=(1, 2, 4, 6),
        act_cfg=dict(type='ReLU6'),
        init_cfg=None),
    neck=dict(
        type='FPN',
        in_channels=[8, 8, 24, 80],
        out_channels=16,
        start_level=0,
        add_extra_convs='on_input',
        num_outs=6),
    bbox_head=dict(
        type='RetinaHead',
        num_classes=1,
        in_channels=16,
        stacked_convs=4,
        feat_channels=16,
        anchor_generator=dict(
            type='AnchorGenerator',
            octave_base_scale=4,
            scales_per_octave=3,
            ratios=[0.5, 1.0, 2.0],
            strides=[4, 8, 16, 32, 64, 128]),
        bbox_coder=dict(
            type='DeltaXYWHBBoxCoder',
            target_means=[.0, .0, .0, .0],
            target_stds=[1.0, 1.0, 1.0, 1.0]),
        loss_cls=dict(
            type='FocalLoss',
            use_sigmoid=True,
            gamma=2.0,
            alpha=0.25,
            loss_weight=1.0),
        loss_bbox=dict(type='L1Loss', loss_weight=1.0)),
    train_cfg=dict(
        assigner=dict(
            type='MaxIoUAssigner',
            pos_iou_thr=0.5,
            neg_iou_thr=0.4,
            min_pos_iou=0,
            ignore_iof_thr=-1),
        sampler=dict(type='PseudoSampler'),
        allowed_border=-1,
        pos_weight=-1,
        debug=False),
    test_cfg=dict(
        nms_pre=1000,
        min_bbox_size=0,
        score_thr=0.05,
        nms=dict(type='nms', iou_threshold=0.5),
        max_per_img=100))
work_dir = './work_dirs/retinanet_mobilenetv2_quickstart_baseline'
