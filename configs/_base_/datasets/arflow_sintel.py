# MPI Sintel for ARFlow: unsupervised training on the training set, clean
# and final concatenated (official sintel_ft "trainval"), random crop
# 384x832, horizontal flip and temporal swap (p = 0.5 each); evaluation on
# the training set, clean and final, at 448x1024 (set in the model).
data_root = 'data/sintel/'
train_pipeline = [
    dict(type='LoadFlowFrames'),
    dict(type='FlowRandomCrop', crop_size=(384, 832)),
    dict(type='FlowRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='FlowTemporalSwap', prob=0.5),
    dict(type='PackFlowInputs')
]
test_pipeline = [
    dict(type='LoadFlowFrames'),
    dict(type='LoadFlowAnnotations'),
    dict(type='PackFlowInputs')
]
train_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    dataset=dict(
        type='SintelDataset',
        data_root=data_root,
        passes=('clean', 'final'),
        with_gt=False,
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SintelDataset',
        data_root=data_root,
        passes=('clean', 'final'),
        test_mode=True,
        pipeline=test_pipeline))
test_dataloader = val_dataloader
val_evaluator = dict(type='EndPointError')
test_evaluator = val_evaluator
