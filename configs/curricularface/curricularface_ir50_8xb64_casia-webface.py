# CurricularFace with IR-50 (units 3-4-14-3) on CASIA-WebFace (10,572
# identities), the paper's ablation setting. The paper's CASIA schedule is not
# confirmed in our notes; we keep the MS1MV2 recipe (batch 512, SGD lr 0.1,
# 24 epochs, lr x0.1 at 10/18/22), which is our choice.
_base_ = [
    '../_base_/models/face_ir100_curricularface.py',
    '../_base_/datasets/face_casia_webface.py',
    '../_base_/schedules/face_sgd_24e.py',
    'mmpretrain::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmext.face'], allow_failed_imports=False)

model = dict(backbone=dict(depth=50), head=dict(num_classes=10572))

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='verification/lfw/accuracy',
        rule='greater'))
custom_hooks = [dict(type='SyncBuffersHook')]
randomness = dict(seed=1337)
