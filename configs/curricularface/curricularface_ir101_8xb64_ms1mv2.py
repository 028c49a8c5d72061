# CurricularFace paper recipe: IR-101 (IResNet-100, units 3-13-30-3) on
# MS1MV2 (85,742 identities), 8 GPUs x 64 = batch 512, SGD lr 0.1,
# momentum 0.9, wd 5e-4, 24 epochs, lr x0.1 at epochs 10/18/22, s=64, m=0.5,
# t EMA history weight 0.99. Tested on LFW, CFP-FP, AgeDB-30, CALFW, CPLFW.
_base_ = [
    '../_base_/models/face_ir100_curricularface.py',
    '../_base_/datasets/face_ms1mv2.py',
    '../_base_/schedules/face_sgd_24e.py',
    'mmpretrain::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmext.face'], allow_failed_imports=False)

model = dict(head=dict(num_classes=85742))

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='verification/lfw/accuracy',
        rule='greater'))
# t is all-reduced inside the head; this keeps the BN statistics of the
# ranks in step before each validation.
custom_hooks = [dict(type='SyncBuffersHook')]
randomness = dict(seed=1337)  # seed of the official train.sh
