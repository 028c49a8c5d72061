# DDL on IR-100 (TFace tasks/ddl): the CurricularFace IR-100 model of
# face_ir100_curricularface.py wrapped in DDLRecognizer, a CurricularFace
# head + CE per single-image branch and DDL (official weights, 1000 bins on
# [0, 0.999], sigma 0.1, easy branch = teacher, not detached) from the first
# iteration, gradient scale of TFace's AllGather.
_base_ = ['./face_ir100_curricularface.py']
model = dict(
    type='DDLRecognizer',
    # TFace: one head per single-image branch, sized to its identities
    share_head=False,
    ddl_loss=dict(
        type='DDLLoss',
        pos_kl_weight=0.1,
        neg_kl_weight=0.02,
        order_loss_weight=0.5,
        positive_threshold=0.0,
        num_bins=1000,
        bin_width=0.001,
        sigma=0.1,
        detach_teacher=False),
    ddl_grad_scale='world_size',
    train_cfg=dict(ddl_start_iter=0))
