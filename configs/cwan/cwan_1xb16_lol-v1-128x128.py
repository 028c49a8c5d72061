# CWAN (Atoum et al., CVPRW 2020) on LOL-v1 (485 training / 15 test pairs,
# 600x400), in mmext's scope on mmengine.  The networks are the released
# layer graphs (CWAN_L 59,265 + CWAN_AB 325,510 parameters); the pipeline is
# the official CWAN.m (luma x 255 -> CWAN_L -> x 100 / 255 = L*; raw Lab
# a*, b* -> CWAN_AB channels 0:2; Lab -> sRGB, uint8).
# From the release (hints stored in the weight files): SGD with momentum
# (MatConvNet cnn_train, 0.9), per-layer lr factors 1e-4 on weights and
# biases, weight decay 0.  Ours, as the release is silent: base lr 1e-4 (the
# factors read as the effective lr), the loss weights and chroma threshold
# of CWANLoss (1 / 1 / 1, tau 20), random 128x128 crops with horizontal and
# vertical flips, batch 16, 60k iterations (~2000 LOL-v1 epochs) with a
# x0.1 step at 40k, PyTorch's default conv init; evaluation on the full
# 600x400 images, PSNR / SSIM on uint8 RGB (mmagic's semantics) and CIE76
# delta E.
default_scope = 'mmext'
custom_imports = dict(imports=['mmext.enhance'], allow_failed_imports=False)

model = dict(
    type='CWAN',
    data_preprocessor=dict(
        type='EnhanceDataPreprocessor', mean=[0., 0., 0.],
        std=[255., 255., 255.]),  # RGB in [0, 1], as CWAN.m's im2double
    # value_range=255 (ours): the convs run on luma / 255 and the output is
    # x 255 -- the release graph exactly, with its biases / 255.  On the raw
    # 0-255 scale (value_range=1) the biases cannot learn the brightening
    # offset at usual learning rates (SGD lr 1e-4 or Adam 1e-3) and the
    # lightness loss oscillates (configs/cwan/README.md, quickstart).
    light_net=dict(type='CWANLightNet', channels=32, value_range=255.),
    color_net=dict(type='CWANColorNet'),
    loss=dict(
        type='CWANLoss',
        light_weight=1.,  # L1_loss on the lightness (0-255 scale)
        ab_weight=1.,  # L1_AB_Loss on channels 0:2
        attention_weight=1.,  # our reading of L1_AB_Loss2, channels 2:4
        tau=20.,  # GT chroma threshold of the colourful mask (ours)
        stage1_weight=0.))

data_root = 'data/LOL-v1/'
crop_size = (128, 128)
train_pipeline = [
    dict(type='LoadPairedImages'),
    dict(type='PairedRandomCrop', crop_size=crop_size),
    dict(type='PairedRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PairedRandomFlip', prob=0.5, direction='vertical'),
    dict(type='PackEnhanceInputs')
]
test_pipeline = [dict(type='LoadPairedImages'), dict(type='PackEnhanceInputs')]
train_dataloader = dict(
    batch_size=16,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='PairedImageDataset',
        data_root=data_root,
        layout='lol_v1',  # our485/{low,high}
        split='train',
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='PairedImageDataset',
        data_root=data_root,
        layout='lol_v1',  # eval15/{low,high}
        split='test',
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = [
    dict(type='PSNR', crop_border=0, convert_to=None),
    dict(type='SSIM', crop_border=0, convert_to=None),
    dict(type='DeltaE', tau=20.)
]
test_evaluator = val_evaluator

max_iters = 60000
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=1e-4, momentum=0.9, weight_decay=0.))
param_scheduler = [
    dict(type='MultiStepLR', by_epoch=False, milestones=[40000], gamma=0.1)
]
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=max_iters, val_interval=2000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=100),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook',
        by_epoch=False,
        interval=2000,
        max_keep_ckpts=3,
        save_best='PSNR',
        rule='greater'),
    sampler_seed=dict(type='DistSamplerSeedHook'))
custom_hooks = [dict(type='EnhanceVisualizationHook', interval=1)]
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
log_processor = dict(by_epoch=False)
visualizer = dict(
    type='Visualizer', vis_backends=[dict(type='LocalVisBackend')])
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)  # ours
