# KITTI for ARFlow: unsupervised training pairs resized to 256x832 with
# horizontal flip and temporal swap; evaluation on the KITTI 2015 and 2012
# training sets (flow_occ / flow_noc) at 256x832 (set in the model).  The
# training set is chosen by each config (KITTI raw or the multi-view
# extension).
kitti2015_root = 'data/kitti2015/'
kitti2012_root = 'data/kitti2012/'
train_pipeline = [
    dict(type='LoadFlowFrames'),
    dict(type='FlowResize', scale=(256, 832)),
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
    sampler=dict(type='InfiniteSampler', shuffle=True))
val_dataloader = dict(
    batch_size=1,
    num_workers=2,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='ConcatDataset',
        datasets=[
            dict(
                type='KITTIFlowDataset',
                data_root=kitti2015_root,
                img_dir='image_2',
                subset='kitti2015',
                test_mode=True,
                pipeline=test_pipeline),
            dict(
                type='KITTIFlowDataset',
                data_root=kitti2012_root,
                img_dir='colored_0',
                subset='kitti2012',
                test_mode=True,
                pipeline=test_pipeline)
        ]))
test_dataloader = val_dataloader
val_evaluator = [dict(type='EndPointError'), dict(type='FlowOutliers')]
test_evaluator = val_evaluator
