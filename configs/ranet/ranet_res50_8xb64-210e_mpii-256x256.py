# RANet (arXiv 1905.00996) on MPII: SimpleBaseline-ResNet-50 with the four
# RANet components. Everything else is mmpose's SimpleBaseline recipe
# (td-hm_res50_8xb64-210e_mpii-256x256: Adam 5e-4, 210 epochs, steps at
# 170/200, MSRA heatmaps 64x64 sigma 2, flip test, PCKh@0.5).
# The paper's module internals are not public: every choice below that it
# leaves open is marked "(ours)" and documented in the module docstrings.
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/mpii/'
    'td-hm_res50_8xb64-210e_mpii-256x256.py'
]
custom_imports = dict(imports=['mmext.pose'], allow_failed_imports=False)

# PDA part library, built from LIP (see README: Data preparation)
part_library = 'data/lip/part_library/'

codec = dict(
    type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)

model = dict(
    backbone=dict(
        type='RANetResNet',
        depth=50,
        # FPS replaces the 7x7-conv + max-pool stem; pyramid width 32 (ours)
        fps=dict(mid_channels=32),
        # ERE after residual stages 2-4, 4 region masks (ours)
        ere=dict(num_regions=4, reduction=4, dilation=2),
        ere_stages=(False, True, True, True),
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    head=dict(
        _delete_=True,
        # CVF: per-joint visibility from mmpose's VisPredictHead (its COCO
        # recipe's loss), cascade + voting in CascadeVotingFusionHead
        type='VisPredictHead',
        loss=dict(
            type='BCELoss',
            use_target_weight=True,
            use_sigmoid=True,
            loss_weight=1e-3),
        pose_cfg=dict(
            type='CascadeVotingFusionHead',
            in_channels=2048,
            out_channels=16,
            num_stages=3,  # (ours)
            refine_channels=128,  # (ours)
            refine_num_convs=2,  # (ours)
            vote_radius=2.,  # heatmap px = 1 sigma (ours)
            residual=True,  # stages add corrections (ours)
            loss=dict(type='KeypointMSELoss', use_target_weight=True),
            decoder=codec)))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    # PDA on the full image, before the crop; ASDA-like settings (ours)
    dict(
        type='ParsingBasedDataAugmentation',
        part_library=part_library,
        prob=0.5,
        num_parts=(1, 4),
        scale_jitter=0.25,
        max_rotate=45,
        max_shift=0.1,
        flip_prob=0.5,
        anchor='joint',
        soft_edge=0.08),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(
    dataset=dict(type='MpiiJsonDataset', pipeline=train_pipeline))

# mmpose's MPII reader with every annotation entry checked first (same data;
# a missing key or a wrong joint count is an error naming file and entry)
val_dataloader = dict(dataset=dict(type='MpiiJsonDataset'))
test_dataloader = val_dataloader
