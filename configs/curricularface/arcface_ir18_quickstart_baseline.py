# ArcFace on the CurricularFace quickstart: the same model, data and schedule
# with mmpretrain's ArcFaceClsHead (s=32, m=0.5) instead of
# CurricularFaceHead, for comparison.
_base_ = ['./curricularface_ir18_quickstart.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ArcFaceClsHead',
        num_classes=200,
        in_channels=128,
        scale=32.,
        margins=0.5,
        easy_margin=False,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='Normal', layer='Linear', std=0.01)))
