# DBG on the 400-d cuhk TSN features (200 RGB + 200 flow) rescaled to 100
# snippets, as the official code (Tencent/ActionDetection-DBG, config.yaml
# and pytorch/model.py).
model = dict(
    type='DBG',
    temporal_dim=100,
    feat_dim=400,
    stream_dims=(200, 200),  # [RGB, flow], as concatenated in csv_mean_100
    dsb_hidden_dims=(256, 128),
    pfg_num_samples=(8, 16, 8),  # starting, action, ending region
    acr_hidden_dim=256,
    tbc_hidden_dim_3d=512,
    tbc_hidden_dim_2d=256,
    dropout=0.3,
    # The official TF model has a ReLU after TBC's Conv3d (AUC 68.37 with its
    # released weights), the official PyTorch port none (68.26): we follow TF.
    tbc_conv3d_relu=True,
    boundary_label_width=2,  # snippets (gt_len_ratio=2; BMN uses 3)
    soft_nms_alpha=0.75,
    soft_nms_low_threshold=0.65,
    soft_nms_high_threshold=0.9,
    post_process_top_k=100,
    feature_extraction_interval=16,
    loss_cls=dict(
        type='DBGLoss',
        action_weight=2.,
        iou_weight=10.,
        start_weight=1.,
        end_weight=1.,
        high_iou_threshold=0.6,
        low_iou_threshold=0.2))
