# DBG on ActivityNet-1.3 with mmaction2's cuhk csv_mean_100 features and
# annotation files (tools/data/activitynet of mmaction2), trained with the
# official recipe: Adam, batch 16, lr 1e-3 for 8 epochs then 1e-4 for 4,
# per-part weight decay, no gradient clipping.
_base_ = [
    '../_base_/models/dbg_400x100.py', 'mmaction::_base_/default_runtime.py'
]
custom_imports = dict(imports=['mmext.action'], allow_failed_imports=False)
default_scope = 'mmaction'

dataset_type = 'ResampledActivityNetDataset'
data_root = 'data/ActivityNet/activitynet_feature_cuhk/csv_mean_100/'
ann_file_train = 'data/ActivityNet/anet_anno_train.json'
ann_file_val = 'data/ActivityNet/anet_anno_val.json'
ann_file_test = 'data/ActivityNet/anet_anno_val.json'

train_pipeline = [
    dict(type='LoadLocalizationFeature'),
    dict(type='GenerateLocalizationLabels'),
    dict(
        type='PackLocalizationInputs',
        keys=('gt_bbox', ),
        meta_keys=('video_name', ))
]
test_pipeline = [
    dict(type='LoadLocalizationFeature'),
    dict(
        type='PackLocalizationInputs',
        meta_keys=('video_name', 'duration_second', 'duration_frame',
                   'annotations', 'feature_frame'))
]

train_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    drop_last=True,
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_train,
        data_prefix=dict(video=data_root),
        pipeline=train_pipeline,
        # the official data loader: drop videos that are nearly all action,
        # duplicate those with short actions
        drop_mean_length_above=0.98,
        repeat_mean_length_below=0.2))
# DBG.predict handles every video of a batch, so evaluation needs no
# batch_size=1 (unlike BMN).
val_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_val,
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline,
        test_mode=True))
test_dataloader = dict(
    batch_size=16,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        ann_file=ann_file_test,
        data_prefix=dict(video=data_root),
        pipeline=test_pipeline,
        test_mode=True))

max_epochs = 12
train_cfg = dict(
    type='EpochBasedTrainLoop',
    max_epochs=max_epochs,
    val_begin=1,
    val_interval=1)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

# Official weight decay: DSB weights 2e-3, TBC Conv3d weight 2e-4, other
# ACR/TBC weights 2e-5, biases 0 (the TF L2 scales 1e-3 / 1e-4 / 1e-5, x2).
# mmengine matches the longest custom key first, so '.bias' (5 characters)
# wins over 'dsb' for DSB biases, and 'tbc.conv3d.weight' matches no bias.
optim_wrapper = dict(
    optimizer=dict(type='Adam', lr=1e-3, weight_decay=2e-5),
    paramwise_cfg=dict(
        custom_keys={
            '.bias': dict(decay_mult=0.),
            'dsb': dict(decay_mult=100.),
            'tbc.conv3d.weight': dict(decay_mult=10.)
        }))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[8],
        gamma=0.1)
]
# The official code picks the checkpoint with the lowest validation loss; we
# report the last epoch.
default_hooks = dict(checkpoint=dict(interval=1, max_keep_ckpts=3))

work_dir = './work_dirs/dbg_400x100_1xb16-12e_activitynet-feature'
test_evaluator = dict(
    type='ANetMetric',
    metric_type='AR@AN',
    dump_config=dict(out=f'{work_dir}/results.json', output_format='json'))
val_evaluator = test_evaluator
randomness = dict(seed=2020)
