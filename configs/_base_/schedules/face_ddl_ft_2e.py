# The DDL fine-tuning schedule of TFace tasks/ddl (train_config.yaml): SGD lr
# 0.001, momentum 0.9, weight decay 5e-4 (none on BN parameters), 2 epochs,
# STAGES [1] (lr x0.1 after epoch 1), no AMP. The lr assumes 8 GPUs and
# TFace's AllGather gradient scale (see DDLRecognizer); no automatic lr
# scaling.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.001, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(norm_decay_mult=0.))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[1], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=2, val_interval=1)
val_cfg = dict()
test_cfg = dict()
