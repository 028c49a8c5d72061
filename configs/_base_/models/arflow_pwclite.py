# ARFlow with the official PWC-Lite (2,236,660 parameters) and the
# unsupervised loss of sintel_raw.json's first stage; AR is switched on by
# the *_ar_* configs.
model = dict(
    type='ARFlow',
    data_preprocessor=dict(
        type='FlowDataPreprocessor', mean=[0., 0., 0.],
        std=[255., 255., 255.]),  # RGB in [0, 1], as the official reader
    flow_net=dict(
        type='PWCLite',
        pyramid_channels=(3, 16, 32, 64, 96, 128, 192),
        num_decoder_levels=5,  # 1/64 .. 1/4 (official output_level=4)
        search_range=4,
        reduced_channels=32,
        estimator_channels=(128, 128, 96, 64, 32),  # reduce_dense=true
        context_channels=(128, 128, 128, 96, 64, 32)),
    loss=dict(
        type='UnFlowLoss',
        w_l1=0.15,
        w_ssim=0.85,
        w_ternary=0.,
        w_smooth=50.,
        smooth_2nd=False,
        alpha=10.,
        w_scales=(1., 1., 1., 1., 0.),
        w_sm_scales=(1., 0., 0., 0., 0.),
        occ_from_back=True),
    # no ar_loss / spatial_transform / occlusion_transform: plain
    # unsupervised training (the *_ar_* configs add them)
    test_size=None)
