# FAN on MS1MV2 from a trained CurricularFace IR-101
# (configs/curricularface/curricularface_ir101_8xb64_ms1mv2.py; pass its
# checkpoint with --cfg-options load_from=...): stage 1 (non-identity
# encoder + decoder on the HR faces, recogniser frozen) for epochs 1-10,
# stage 2 (the LR encoder, initialised from the recogniser, on RSA inputs
# with the paired L2 and the feature-adversarial loss, plus CE of the
# recogniser's head on the LR features) for epochs 11-20. The paper's
# schedule, widths, RSA range and loss weights are not verified: all of them
# are ours (configs/fan/README.md). Not run by us. One GPU (batch 64): the
# stages change which modules are trained, and mmengine's
# MMSeparateDistributedDataParallel wraps only the modules trainable when
# the runner starts, so multi-GPU FAN is not supported yet.
_base_ = ['../curricularface/curricularface_ir101_8xb64_ms1mv2.py']

model = dict(
    type='FAN',
    head=dict(num_classes=85742),
    loss_weights=dict(classification=0.1),
    # the decoder and discriminators' defaults: 512-d identity, 128-d code,
    # 112x112 faces
    test_cfg=dict(flip=True, normalize=True))
train_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='RandomScaleAugment'),  # sides 8-112, log-uniform (ours)
    dict(type='PackInputs', algorithm_keys=('gt_img', )),
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
optim_wrapper = dict(
    _delete_=True,
    constructor='SubmoduleOptimWrapperConstructor',
    generator=dict(
        modules=[
            'backbone', 'head', 'non_identity_encoder', 'decoder',
            'lr_backbone'
        ],
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999))),
    discriminator=dict(
        modules=['image_discriminator', 'feature_discriminator'],
        optimizer=dict(type='Adam', lr=1e-4, betas=(0.5, 0.999))))
param_scheduler = dict(_delete_=True, generator=[], discriminator=[])
train_cfg = dict(max_epochs=20)
# stage 1 from the first epoch (the recogniser is trained), stage 2 from
# epoch 11 (replacing the recogniser's SyncBuffersHook: one process)
custom_hooks = [dict(type='FANStageHook', stage_epochs=(0, 10))]
