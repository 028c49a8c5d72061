# RANet with an HRNet-W32 backbone on MPII: mmpose's HRNet-W32 recipe
# (td-hm_hrnet-w32_8xb64-210e_mpii-256x256) with FPS, ERE, CVF and PDA.
# Choices the paper leaves open are marked "(ours)".
_base_ = [
    'mmpose::body_2d_keypoint/topdown_heatmap/mpii/'
    'td-hm_hrnet-w32_8xb64-210e_mpii-256x256.py'
]
custom_imports = dict(imports=['mmext.pose'], allow_failed_imports=False)

part_library = 'data/lip/part_library/'
codec = dict(
    type='MSRAHeatmap', input_size=(256, 256), heatmap_size=(64, 64), sigma=2)

model = dict(
    backbone=dict(
        type='RANetHRNet',
        fps=dict(mid_channels=32),  # replaces the two stride-2 convs (ours)
        ere=dict(num_regions=4, reduction=4, dilation=2),
        ere_stages=(True, True, True),  # after stages 2-4 (ours)
    ),
    head=dict(
        _delete_=True,
        type='VisPredictHead',
        loss=dict(
            type='BCELoss',
            use_target_weight=True,
            use_sigmoid=True,
            loss_weight=1e-3),
        pose_cfg=dict(
            type='CascadeVotingFusionHead',
            in_channels=32,
            out_channels=16,
            # HRNet's head has no deconvolutions (features are at 1/4)
            deconv_out_channels=None,
            num_stages=3,
            refine_channels=64,
            refine_num_convs=2,
            vote_radius=2.,
            residual=True,
            loss=dict(type='KeypointMSELoss', use_target_weight=True),
            decoder=codec)))

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(
        type='ParsingBasedDataAugmentation',
        part_library=part_library,
        prob=0.5,
        num_parts=(1, 4)),
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
