# RANet ablation on MPII: SimpleBaseline-ResNet-50 + CVF only (cascade of 3
# heatmap stages with voting fusion, and per-joint visibility).
_base_ = ['simplebaseline_res50_8xb64-210e_mpii-256x256.py']
custom_imports = dict(imports=['mmext.pose'], allow_failed_imports=False)
model = dict(
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
            in_channels=2048,
            out_channels=16,
            num_stages=3,
            refine_channels=128,
            refine_num_convs=2,
            vote_radius=2.,
            residual=True,
            loss=dict(type='KeypointMSELoss', use_target_weight=True),
            decoder=dict(
                type='MSRAHeatmap',
                input_size=(256, 256),
                heatmap_size=(64, 64),
                sigma=2))))
