# FAN quickstart: the narrow IR-18 of the CurricularFace quickstart and its
# synthetic faces (200 identities x 12 images, 112x112, in train.rec), tested
# on 400 pairs of 60 *unseen* identities, each an HR face and a 12-16 px
# probe (val_lr.bin; data: mmext.face.datasets.fan_quickstart_data).
# There is no trained recogniser to start from, so one run does FAN's stages
# after a stage 0 of ours (FANStageHook, epochs 1-based):
#   epochs 1-5  stage 0: the recogniser (CurricularFace, the quickstart's
#               schedule: lr 0.1, x0.1 at epoch 5);
#   epoch  6    stage 1: non-identity encoder + decoder (+ image
#               discriminator) on the HR faces, recogniser frozen;
#   epochs 7-9  stage 2: the LR encoder, initialised from the recogniser,
#               trained on RSA inputs (RandomScaleAugment, sides 12-56 px
#               here, for the 12-16 px probes) with the paired L2 to the HR
#               features and the feature-adversarial loss.
# Every FAN weight, width and range is ours (no public code; see
# configs/fan/README.md). The baseline is the same recogniser trained on the
# HR faces for the same 9 epochs.
# The model, data, test and schedule of the baseline (the CurricularFace
# quickstart's recogniser on the FAN data, 9 epochs), with FAN on top.
_base_ = ['./curricularface_ir18_quickstart_baseline.py']

quickstart = dict(compare=['curricularface_ir18_quickstart_baseline.py'])

model = dict(
    type='FAN',
    non_identity_encoder=dict(
        type='FANNonIdentityEncoder', base_channels=16, code_size=64),
    decoder=dict(
        type='FANDecoder', identity_size=128, code_size=64,
        base_channels=64),
    image_discriminator=dict(type='FANImageDiscriminator', base_channels=16),
    feature_discriminator=dict(
        type='FANFeatureDiscriminator', in_channels=128,
        hidden_channels=(128, 128)),
    test_cfg=dict(flip=True, normalize=True))

train_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    # the clean face is gt_img (the HR target of every stage); the input is
    # its RSA degradation (used by stage 2)
    dict(type='RandomScaleAugment', side_range=(12, 56)),
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
        optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4),
        paramwise_cfg=dict(norm_decay_mult=0.)),
    discriminator=dict(
        modules=['image_discriminator', 'feature_discriminator'],
        optimizer=dict(type='Adam', lr=2e-4, betas=(0.5, 0.999))))
# the recogniser's schedule for the generator side; constant Adam for the
# discriminators (used from stage 1 on)
param_scheduler = dict(
    _delete_=True,
    generator=[
        dict(type='MultiStepLR', by_epoch=True, milestones=[4], gamma=0.1)
    ],
    discriminator=[])
custom_hooks = [dict(type='FANStageHook', stage_epochs=(5, 6))]
