# ARFlow fine-tuning on KITTI with AR (official configs/kitti15_ft_ar.json):
# from the KITTI raw model (pass load_from), unsupervised on the KITTI 2015
# multi-view extension (image_2 + image_3, pairs touching frames 9-12 left
# out), census + forward-backward check, w_smooth 75 with 2nd order; AR
# with the KITTI transforms (brightness 0.5 and blur, no gamma; small
# affine, horizontal flip only) and w_ar = 0.02.
_base_ = [
    '../_base_/models/arflow_pwclite.py', '../_base_/datasets/arflow_kitti.py',
    '../_base_/schedules/arflow_adam_1000k.py'
]
kitti_mv_root = 'data/kitti2015_multiview/'
model = dict(
    test_size=(256, 832),
    loss=dict(
        w_l1=0.,
        w_ssim=0.,
        w_ternary=1.,
        occ_from_back=False,
        w_smooth=75.,
        smooth_2nd=True),
    ar_loss=dict(type='ARLoss', loss_weight=0.02, eps=0., q=1.),
    spatial_transform=dict(
        type='ARSpatialTransform',
        translate=(0.04, 0.005),
        zoom=(1.0, 1.4, 0.99, 1.01),
        squeeze=(1.0, 1.0, 1.0, 1.0),  # squeeze off
        rotate=(-0.01, 0.01, -0.01, 0.01),
        hflip=True,
        vflip=False,
        noise_std=(0., 0.04)))
train_pipeline = [
    dict(type='LoadFlowFrames'),
    dict(type='FlowResize', scale=(256, 832)),
    dict(type='FlowRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='FlowTemporalSwap', prob=0.5),
    dict(
        type='ARAppearanceTransform',
        brightness=0.5,
        contrast=0.,
        saturation=0.,
        hue=0.,
        gamma=None,
        blur_prob=0.5,
        blur_radius=(0., 3.)),
    dict(type='PackFlowInputs')
]
train_dataloader = dict(
    dataset=dict(
        type='KITTIMultiViewDataset',
        data_root=kitti_mv_root,
        pipeline=train_pipeline))
custom_hooks = [dict(type='FlowVisualizationHook', interval=100)]
# --cfg-options load_from=<the kitti raw stage-1 checkpoint>
load_from = None
