# CWAN quickstart: the released CWAN_L / CWAN_AB graphs trained from
# scratch, single-threaded in about a minute, next to the RGB residual CNN
# of the same size and depth (cwan_rgb_quickstart_baseline.py) and CWAN
# without the attention term (cwan_noatt_quickstart_baseline.py); the
# reference row is the low-light input itself (its PSNR against the GT,
# mmext.enhance.evaluation.quickstart_input_psnr).  The
# data (mmext.enhance.datasets.cwan_quickstart_data) is written in the LOL-v1
# layout: 48 training / 12 test 64x64 colourful scenes (smooth backgrounds,
# saturated objects, textures) and their low-light twins (gamma, exposure
# x0.05-0.2, colour cast, Poisson-Gaussian noise, uint8).
# Differences from the LOL-v1 recipe, all for the tiny budget (ours): Adam
# lr 1e-3 instead of SGD lr 1e-4, random 32x32 crops, batch 8, 150
# iterations, no lr step, evaluation once at the end on the full 64x64 test
# images.  The baselines share all of it.  The lightness net runs on luma /
# 255 (CWANLightNet value_range=255, from the base config; an exact
# reparametrisation of the release graph): on the raw 0-255 scale its
# biases move 1e-3 grey levels per Adam step, it could not learn the
# brightening offset and reached 14.1 dB here instead.
_base_ = ['./cwan_1xb16_lol-v1-128x128.py']

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/cwan/'
quickstart = dict(
    task='low-light enhancement',
    metric='PSNR',
    greater_is_better=True,
    prepare='mmext.enhance.datasets.cwan_quickstart_data.'
    'prepare_quickstart_data',
    compare=[
        'cwan_rgb_quickstart_baseline.py', 'cwan_noatt_quickstart_baseline.py'
    ],
    reference=dict(
        name='low-light input',
        compute='mmext.enhance.evaluation.quickstart_input_psnr'))

crop_size = (32, 32)
train_pipeline = [
    dict(type='LoadPairedImages'),
    dict(type='PairedRandomCrop', crop_size=crop_size),
    dict(type='PairedRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PairedRandomFlip', prob=0.5, direction='vertical'),
    dict(type='PackEnhanceInputs')
]
train_dataloader = dict(
    batch_size=8,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root))
val_dataloader = test_dataloader

max_iters = 150
train_cfg = dict(max_iters=max_iters, val_interval=max_iters + 1)
optim_wrapper = dict(
    optimizer=dict(
        _delete_=True, type='Adam', lr=1e-3, betas=(0.9, 0.999),
        weight_decay=0.))
param_scheduler = []
default_hooks = dict(
    logger=dict(interval=25),
    checkpoint=dict(
        interval=max_iters, max_keep_ckpts=1, save_best=None))
custom_hooks = [
    dict(type='EnhanceVisualizationHook', interval=1, max_images=3)
]
work_dir = './work_dirs/cwan_quickstart'
