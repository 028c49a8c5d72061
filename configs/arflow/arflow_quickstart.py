# ARFlow quickstart: a narrow PWC-Lite trained from scratch, unsupervised,
# with AR, single-threaded in about 100 s; next to the same training without
# AR (arflow_noar_quickstart_baseline.py) and zero flow (the reference row,
# mmext.flow.datasets.arflow_quickstart_data.quickstart_zero_flow_epe).  The
# data (mmext.flow.datasets.arflow_quickstart_data) is written in the MPI
# Sintel layout: 48 scenes x 4 frames of 64x128 multi-scale procedural
# textures, an affine background and 1-3 occluding ellipses, mean flow
# about 4-5 px; training uses the frames of scenes 0-41 (clean + final)
# without flow labels, the test the known flow of the held-out scenes 42-47
# (clean + final).
# Differences from the official recipe, all for the tiny scale: 1/4 of the
# PWC-Lite widths (same structure: 6 levels, 5 decoded, search range 4),
# lr 1e-3 instead of 1e-4, 200 iterations of batch 4 from scratch with the
# raw-stage loss and AR from the start (the official AR configs fine-tune a
# pre-trained model), no crop (frames are 64x128).  The rest is
# sintel_ft_ar.json's.  200 iterations are far too few for PWC-Lite to
# learn matching from scratch, supervised or not (measurements in
# configs/arflow/README.md): this run checks the pipeline, it does not
# reproduce the paper's gain.
_base_ = ['./arflow_pwclite_ar_1xb4_sintel-384x832.py']

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/arflow/'
quickstart = dict(
    task='unsupervised optical flow',
    metric='EPE',
    greater_is_better=False,
    prepare='mmext.flow.datasets.arflow_quickstart_data.'
    'prepare_quickstart_data',
    compare=['arflow_noar_quickstart_baseline.py'],
    reference=dict(
        name='zero flow',
        compute='mmext.flow.datasets.arflow_quickstart_data.'
        'quickstart_zero_flow_epe'))
train_scenes = [f'scene_{i:02d}' for i in range(42)]
test_scenes = [f'scene_{i:02d}' for i in range(42, 48)]

model = dict(
    test_size=None,
    flow_net=dict(
        pyramid_channels=(3, 8, 16, 24, 32, 48, 64),
        reduced_channels=16,
        estimator_channels=(32, 32, 24, 16, 8),
        context_channels=(32, 32, 32, 24, 16, 8)),
    # from scratch: the first stage of sintel_raw.json (range-map occlusion,
    # 0.15 L1 + 0.85 SSIM) throughout; 200 iterations are too few for the
    # forward-backward check, which marks every pixel occluded until the
    # forward and backward flows agree (lliuz/ARFlow#21)
    loss=dict(w_l1=0.15, w_ssim=0.85, w_ternary=0., occ_from_back=True))
train_pipeline = [
    dict(type='LoadFlowFrames'),
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
train_dataloader = dict(
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root, scenes=train_scenes, pipeline=train_pipeline))
test_dataloader = dict(
    batch_size=4,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(data_root=data_root, scenes=test_scenes))
val_dataloader = test_dataloader

max_iters = 200
train_cfg = dict(max_iters=max_iters, val_interval=max_iters + 1)
optim_wrapper = dict(optimizer=dict(lr=1e-3))
default_hooks = dict(
    logger=dict(interval=25),
    checkpoint=dict(interval=max_iters, max_keep_ckpts=1))
custom_hooks = [dict(type='FlowVisualizationHook', interval=1, max_images=2)]
work_dir = './work_dirs/arflow_quickstart'
