# CurricularFace quickstart: a narrow IR-18 trained from scratch on synthetic
# faces, on 2 CPU cores in about two minutes. The data (200 training
# identities x 12 images in train.rec/train.idx, 400 pairs of 60 unseen
# identities in val.bin, 112x112 JPEG) is rendered deterministically on first
# use by mmext.face.datasets.face_identity_quickstart_data. Differences from
# the paper recipe,
# all for the tiny scale: 1/8 of the width, 128-d embedding, batch 64,
# 5 epochs with lr x0.1 at epoch 4, and scale s=32 (with 200 classes s=64
# converges far slower: 72% vs 89% accuracy after 4 epochs in our runs).
# The rest is the paper's: m=0.5, t momentum 0.99, SGD lr 0.1 momentum 0.9,
# wd 5e-4 (none on BN), flip-summed embeddings, 10-fold verification.
_base_ = [
    'mmpretrain::_base_/default_runtime.py',
    '../_base_/datasets/face_recordio.py'
]
custom_imports = dict(imports=['mmext.face'], allow_failed_imports=False)

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/curricularface/'
quickstart = dict(
    task='face recognition',
    metric='verification/val/accuracy',
    prepare='mmext.face.datasets.face_identity_quickstart_data.'
    'prepare_quickstart_data',
    compare=['arcface_ir18_quickstart_baseline.py'])

model = dict(
    type='FaceRecognizer',
    data_preprocessor=dict(
        mean=[127.5, 127.5, 127.5], std=[127.5, 127.5, 127.5], to_rgb=True),
    backbone=dict(
        type='IResNet',
        depth=18,
        base_channels=8,  # 1/8 of the width of IR-18, for 2 CPU cores
        embedding_size=128,
        input_size=(112, 112)),
    head=dict(
        type='CurricularFaceHead',
        num_classes=200,
        in_channels=128,
        scale=32.,
        margins=0.5,
        momentum=0.99,
        loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
        init_cfg=dict(type='Normal', layer='Linear', std=0.01)),
    test_cfg=dict(flip=True, normalize=True))

# The insightface formats of the paper's data (train.rec, a .bin pair set);
# decoding in the main process: on 2 cores a worker process only competes
# with the training threads.
bin_root = data_root
train_dataloader = dict(
    num_workers=0, persistent_workers=False, dataset=dict(data_root=data_root))
val_dataloader = dict(
    batch_size=100,
    num_workers=0,
    dataset=dict(data_root=bin_root, bin_files='val.bin'))
test_dataloader = val_dataloader

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(norm_decay_mult=0.))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[4], gamma=0.1)
# no validation while training: tools/quickstart.py tests the last epoch
train_cfg = dict(by_epoch=True, max_epochs=5, val_begin=6)
val_cfg = dict()
test_cfg = dict()

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=10),
    checkpoint=dict(type='CheckpointHook', interval=5, max_keep_ckpts=1))
randomness = dict(seed=0)
