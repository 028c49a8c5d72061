# A tiny FaceRecognizer with a Partial FC CurricularFace head (7 classes,
# half of each shard sampled) for the 2-rank checkpoint / resume tests.
default_scope = 'mmpretrain'
custom_imports = dict(
    imports=['mmext.face', 'tests.data.partial_fc_toy_modules'],
    allow_failed_imports=False)

model = dict(
    type='FaceRecognizer',
    data_preprocessor=dict(
        type='ClsDataPreprocessor', mean=[127.5] * 3, std=[127.5] * 3),
    backbone=dict(type='ToyEmbedder', embedding_size=16),
    head=dict(
        type='PartialFCHead',
        num_classes=7,
        in_channels=16,
        scale=16.,
        sample_rate=0.5,
        margin=dict(type='CurricularFaceMargin', margin=0.5, momentum=0.9)),
    test_cfg=dict(flip=False, normalize=True))
model_wrapper_cfg = dict(type='PartialFCDataParallel')
train_dataloader = dict(
    batch_size=4,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(type='ToyFaceDataset', num_samples=48))
train_cfg = dict(by_epoch=True, max_epochs=2)
optim_wrapper = dict(optimizer=dict(type='SGD', lr=0.1, momentum=0.9))
# end=2 explicitly: the first part of a resume test runs max_epochs=1, which
# would otherwise clip the schedule to one epoch
param_scheduler = [
    dict(type='MultiStepLR', milestones=[1], gamma=0.5, by_epoch=True, end=2)
]
default_hooks = dict(
    logger=dict(type='LoggerHook', interval=2),
    checkpoint=dict(type='CheckpointHook', interval=1))
custom_hooks = [
    dict(type='PartialFCCheckpointHook'),
    dict(type='DumpPartialFCHook')
]
env_cfg = dict(dist_cfg=dict(backend='gloo'))
randomness = dict(seed=0)
log_level = 'INFO'
