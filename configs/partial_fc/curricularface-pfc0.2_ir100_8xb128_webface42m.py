# CurricularFace IR-100 on WebFace42M (2,059,906 identities, 42.5M faces as
# insightface RecordIO) with Partial FC: the 2M x 512 centres sharded over
# the 8 GPUs (257,488 each) and 20% of each shard sampled per step, which is
# what makes a 2M-class head fit. The rest follows arcface_torch's WebFace42M
# recipe (configs/wf42m_pfc02_r100.py, insightface d9cb10e): 128 faces per
# GPU, SGD lr 0.1 momentum 0.9, wd 5e-4, 20 epochs of polynomial (power 2)
# decay with no warm-up (warmup_epoch = 0), fp16 with fp32 logits, no
# dropout, validation on LFW / CFP-FP / AgeDB-30. CurricularFace's m=0.5,
# s=64 and the EMA of t (momentum 0.99, its batch statistic all-reduced over
# the shards) replace the recipe's CosFace margin (m=0.4). Not run by us.
_base_ = [
    '../_base_/models/face_ir100_curricularface.py',
    '../_base_/datasets/face_recordio.py',
    'mmpretrain::_base_/default_runtime.py',
]
custom_imports = dict(imports=['mmext.face'], allow_failed_imports=False)

data_root = 'data/webface42m/'
model = dict(
    backbone=dict(dropout=0.),  # arcface_torch's IR-100 output layer
    head=dict(
        _delete_=True,
        type='PartialFCHead',
        num_classes=2059906,
        in_channels=512,
        scale=64.,
        sample_rate=0.2,
        margin=dict(type='CurricularFaceMargin', margin=0.5, momentum=0.99)))
model_wrapper_cfg = dict(type='PartialFCDataParallel')
train_dataloader = dict(batch_size=128, dataset=dict(data_root=data_root))

optim_wrapper = dict(
    type='AmpOptimWrapper',
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(norm_decay_mult=0.))
param_scheduler = dict(
    type='PolyLR', power=2., eta_min=0., by_epoch=True, begin=0, end=20,
    convert_to_iter_based=True)
train_cfg = dict(by_epoch=True, max_epochs=20, val_interval=1)
val_cfg = dict()
test_cfg = dict()

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=100),
    checkpoint=dict(
        type='CheckpointHook',
        interval=1,
        max_keep_ckpts=3,
        save_best='verification/lfw/accuracy',
        rule='greater'))
# PartialFCCheckpointHook: every rank's shard in the checkpoints (exact
# --resume); no SyncBuffersHook: the shards' buffers are rank-local
custom_hooks = [dict(type='PartialFCCheckpointHook')]
randomness = dict(seed=1337)
