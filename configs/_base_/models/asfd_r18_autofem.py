# ASFD model (arXiv 2003.11228) with the settings of the authors' public
# DSFDv2_r18 code (swordlidev/lightDSFD): ResNet-18, 6 levels at strides
# 4-128, Auto-FEM at width 128 with the found AutoFPN genotype, a dual-shot
# head with one 1.5 (h/w) anchor of 4 x stride per location, max-in-out,
# DRMC loss. Compound-scaled variants (configs/asfd/asfd-d*) override the
# backbone, `width`, `num_cells`, `head_convs`.
width = 128  # fpn_cpm_channel
num_cells = 1  # stacked AutoFPN cells (fpn_layers)
head_convs = 1  # depthwise-separable convs per head tower (stack_convs)
strides = [4, 8, 16, 32, 64, 128]
model = dict(
    type='ASFD',
    data_preprocessor=dict(
        type='DetDataPreprocessor',
        # the public code subtracts BGR (104, 117, 123) only; ImageNet
        # normalisation here because the backbones are ImageNet-trained
        # torchvision/mmdet weights
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_size_divisor=128),
    backbone=dict(
        type='ResNet',
        depth=18,
        num_stages=4,
        out_indices=(0, 1, 2, 3),
        frozen_stages=1,
        norm_cfg=dict(type='BN', requires_grad=True),
        norm_eval=True,
        style='pytorch',
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet18')),
    neck=dict(
        type='AutoFEM',
        in_channels=[64, 128, 256, 512],
        out_channels=width,
        num_outs=6,
        extra_channels=(128, 256),
        num_cells=num_cells,
        with_context=True),
    bbox_head=dict(
        type='ASFDHead',
        num_classes=1,
        in_channels=[width] * 6,
        feat_channels=width,
        num_dw_convs=head_convs,
        max_in_out=True,
        anchor_generator=dict(
            type='AnchorGenerator',
            strides=strides,
            ratios=[1.5],
            scales=[4],
            center_offset=0.5),
        loss_drmc=dict(
            type='DRMCLoss',
            margin_type='cosface',
            margin=0.2,
            scale=1.0,
            loss_bbox=dict(type='DIoULoss', loss_weight=1.0))),
    # first shot: the same head on the pre-FEM features with half-size
    # anchors (DSFD's progressive anchor loss; kept by ASFD per the public
    # code's "auxiliary" weights)
    first_shot_head=dict(
        type='ASFDHead',
        num_classes=1,
        in_channels=[width] * 6,
        feat_channels=width,
        num_dw_convs=head_convs,
        max_in_out=True,
        anchor_generator=dict(
            type='AnchorGenerator',
            strides=strides,
            ratios=[1.5],
            scales=[2],
            center_offset=0.5),
        loss_drmc=dict(
            type='DRMCLoss',
            margin_type='cosface',
            margin=0.2,
            scale=1.0,
            loss_bbox=dict(type='DIoULoss', loss_weight=1.0))),
    first_shot_weight=1.0,
    train_cfg=dict(
        # SSD matching of the public code: overlap_thresh 0.4, every face
        # keeps its best anchor; hard negatives at neg:pos 3
        assigner=dict(
            type='MaxIoUAssigner',
            pos_iou_thr=0.4,
            neg_iou_thr=0.4,
            min_pos_iou=0.,
            ignore_iof_thr=-1,
            gt_max_assign_all=False),
        sampler=dict(type='PseudoSampler'),
        neg_pos_ratio=3,
        allowed_border=-1,
        pos_weight=-1,
        debug=False),
    test_cfg=dict(
        # public test settings: nms 0.3, conf 0.05, top 2000
        nms_pre=2000,
        nms=dict(type='nms', iou_threshold=0.3),
        min_bbox_size=0,
        score_thr=0.05,
        max_per_img=750))
