# The CurricularFace recipe: SGD lr 0.1, momentum 0.9, weight decay 5e-4 (no
# decay on BN parameters, as the official code), 24 epochs, lr x0.1 at epochs
# 10, 18 and 22, total batch 512. No warm-up.
optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(norm_decay_mult=0.))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[10, 18, 22], gamma=0.1)
train_cfg = dict(by_epoch=True, max_epochs=24, val_interval=1)
val_cfg = dict()
test_cfg = dict()
auto_scale_lr = dict(base_batch_size=512)
