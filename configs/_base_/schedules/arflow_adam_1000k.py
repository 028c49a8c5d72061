# ARFlow's optimisation (trainer/base_trainer.py): Adam, constant lr 1e-4,
# eps 1e-7, weight decay 1e-6 on weights and none on biases, batch 4 on one
# GPU, no lr schedule and no gradient clipping.  The official cap is 1000
# "epochs" of 1000 iterations; the authors stop by validation (issue #5).
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(
        type='Adam', lr=1e-4, betas=(0.9, 0.999), eps=1e-7, weight_decay=1e-6),
    paramwise_cfg=dict(bias_decay_mult=0.))
param_scheduler = []
train_cfg = dict(
    type='IterBasedTrainLoop', max_iters=1000000, val_interval=1000)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')

default_scope = 'mmext'
custom_imports = dict(imports=['mmext.flow'], allow_failed_imports=False)
default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=50),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(
        type='CheckpointHook', by_epoch=False, interval=1000,
        max_keep_ckpts=3),
    sampler_seed=dict(type='DistSamplerSeedHook'))
env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'))
log_processor = dict(by_epoch=False)
visualizer = dict(
    type='Visualizer', vis_backends=[dict(type='LocalVisBackend')])
log_level = 'INFO'
load_from = None
resume = False
randomness = dict(seed=0)  # the official seed
