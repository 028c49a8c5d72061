# ASFD schedule: the epochs and lr steps of the authors' public DSFDv2_r18
# config (lr_steps 50/80/100, max_epochs 121); SGD with momentum 0.9 and
# weight decay 5e-4 as S3FD/DSFD. The base lr 0.01 for a total batch of 32
# and the warm-up are our choices (not public).
max_epochs = 121
train_cfg = dict(
    type='EpochBasedTrainLoop', max_epochs=max_epochs, val_interval=10)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
optim_wrapper = dict(
    type='OptimWrapper',
    optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4),
    clip_grad=dict(max_norm=35, norm_type=2))
param_scheduler = [
    dict(
        type='LinearLR', start_factor=0.001, by_epoch=False, begin=0,
        end=1000),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[50, 80, 100],
        gamma=0.1)
]
auto_scale_lr = dict(enable=False, base_batch_size=32)
