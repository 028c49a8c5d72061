# ARFlow fine-tuning on Sintel with AR (official configs/sintel_ft_ar.json):
# from the raw pre-trained model (pass load_from), unsupervised on the Sintel
# training set (clean + final), census + forward-backward occlusion,
# w_smooth 50, plus the AR self-supervision: appearance transform (jitter
# 0.5/0.5/0.5, blur, gamma 0.7-1.5) in the pipeline, spatial transform on
# the device, L1 AR loss with w_ar = 0.01 under the transformed
# non-occlusion mask.  The occlusion transform is off as in every released
# config (run_ot=false).  Validation every 4000 iterations (4 epochs).
_base_ = [
    '../_base_/models/arflow_pwclite.py',
    '../_base_/datasets/arflow_sintel.py',
    '../_base_/schedules/arflow_adam_1000k.py'
]
model = dict(
    test_size=(448, 1024),
    loss=dict(w_l1=0., w_ssim=0., w_ternary=1., occ_from_back=False),
    ar_loss=dict(type='ARLoss', loss_weight=0.01, eps=0., q=1.),
    spatial_transform=dict(
        type='ARSpatialTransform',
        translate=(0.2, 0.015),
        zoom=(1.0, 1.5, 0.985, 1.015),
        squeeze=(0.86, 1.16, 1.0, 1.0),
        rotate=(-0.2, 0.2, -0.015, 0.015),
        hflip=True,
        vflip=True,
        noise_std=(0., 0.04)))
train_pipeline = [
    dict(type='LoadFlowFrames'),
    dict(type='FlowRandomCrop', crop_size=(384, 832)),
    dict(type='FlowRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='FlowTemporalSwap', prob=0.5),
    dict(
        type='ARAppearanceTransform',
        brightness=0.5,
        contrast=0.5,
        saturation=0.5,
        hue=0.,
        gamma=(0.7, 1.5),
        blur_prob=0.5,
        blur_radius=(0., 3.)),
    dict(type='PackFlowInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
train_cfg = dict(val_interval=4000)
default_hooks = dict(checkpoint=dict(interval=4000))
custom_hooks = [dict(type='FlowVisualizationHook', interval=100)]
# the pre-trained stage-1 checkpoint, e.g. --cfg-options load_from=
# work_dirs/arflow_pwclite_raw_1xb4_sintel-raw-384x832/iter_N.pth
load_from = None
