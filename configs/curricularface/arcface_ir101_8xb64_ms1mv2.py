# ArcFace baseline with exactly the CurricularFace recipe (IR-101, MS1MV2,
# batch 512, SGD lr 0.1, 24 epochs, lr x0.1 at 10/18/22), mmpretrain's
# ArcFaceClsHead with s=64, m=0.5, so the only difference is the head.
_base_ = ['./curricularface_ir101_8xb64_ms1mv2.py']

model = dict(
    head=dict(
        _delete_=True,
        type='ArcFaceClsHead',
        num_classes=85742,
        in_channels=512,
        scale=64.,
        margins=0.5,
        easy_margin=False,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='Normal', layer='Linear', std=0.01)))
