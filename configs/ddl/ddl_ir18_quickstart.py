# DDL quickstart: a narrow IR-18 on the synthetic faces of the CurricularFace
# quickstart (200 identities x 12 images in train.rec/train.idx, with DDL's
# split and pair files), tested on 60 *unseen* identities written in the
# SCface layout (a 112x112 mugshot gallery; probes stored at 36/20/14 px for
# d3/d2/d1). Data: mmext.face.datasets.ddl_quickstart_data.
# The hard branches are the easy data degraded to a random 12-24 px side
# (RandomLowResolution); a hard pair is an HR image + a degraded one.
# The paper fine-tunes a trained recogniser with DDL at lr 1e-3; with no
# pretrained model here, one run does both: CurricularFace on the easy and
# hard branches from scratch for 45 epochs (lr 0.1, x0.1 at epoch 35; the
# pair images are not embedded while DDL is off), then the paper's
# fine-tuning with DDL at lr 1e-3 for 10 epochs (from iteration 540 of 660).
# Other differences, for the tiny scale: 1/8 width, 128-d embedding, 16 items
# per branch (an epoch is 200 identities / 16 = 12 steps), s=32.
# The DDL loss itself is the paper's (1000 bins, sigma 0.1, weights
# 0.1/0.02/0.5, teacher = easy branch, not detached).
_base_ = ['mmpretrain::_base_/default_runtime.py']
custom_imports = dict(imports=['mmext.face'], allow_failed_imports=False)

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/ddl/'
quickstart = dict(
    task='face recognition (low resolution)',
    metric='identification/d1/rank-1',
    prepare='mmext.face.datasets.ddl_quickstart_data.prepare_quickstart_data',
    compare=['curricularface-ft_ir18_quickstart_baseline.py'])

model = dict(
    type='DDLRecognizer',
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
    # easy and hard branches are the same 200 identities: one head
    share_head=True,
    ddl_loss=dict(
        type='DDLLoss',
        pos_kl_weight=0.1,
        neg_kl_weight=0.02,
        order_loss_weight=0.5,
        positive_threshold=0.0,
        num_bins=1000,
        bin_width=0.001,
        sigma=0.1,
        detach_teacher=False),
    ddl_grad_scale='world_size',
    train_cfg=dict(ddl_start_iter=540),
    test_cfg=dict(flip=True, normalize=True))

train_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
hard_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(type='RandomLowResolution', side_range=(12, 24)),
    dict(type='RandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PackInputs'),
]
train_dataloader = dict(
    batch_size=16,  # per branch: 6 x 16 images a step
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=True),  # seed and epoch
    batch_sampler=dict(type='DDLBatchSampler'),
    dataset=dict(
        type='DDLBranchDataset',
        dataset=dict(
            type='FaceRecordIODataset', data_root=data_root,
            rec_file='train.rec'),
        data_root=data_root,
        easy_file='easy.txt',
        hard_file='hard.txt',
        pairs_easy_file='pairs_easy.txt',
        pairs_hard_file='pairs_hard.txt',
        hard_pair='hr_degraded',
        pipeline=train_pipeline,
        hard_pipeline=hard_pipeline))
scface_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(112, 112)),  # the probes are stored small
    dict(
        type='PackInputs',
        meta_keys=('sample_idx', 'img_path', 'subject', 'role', 'distance',
                   'camera')),
]
test_dataloader = dict(
    batch_size=100,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SCfaceDataset',
        data_root=data_root + 'scface/',
        subject_file='test_subjects.txt',
        pipeline=scface_pipeline))
test_evaluator = dict(type='FaceIdentificationMetric', topk=(1, 5))
val_dataloader = test_dataloader
val_evaluator = test_evaluator

optim_wrapper = dict(
    optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=5e-4),
    paramwise_cfg=dict(norm_decay_mult=0.))
param_scheduler = dict(
    type='MultiStepLR', by_epoch=True, milestones=[35, 45], gamma=0.1)
# no validation while training: tools/quickstart.py tests the last epoch
train_cfg = dict(by_epoch=True, max_epochs=55, val_begin=56)
val_cfg = dict()
test_cfg = dict()

default_hooks = dict(
    logger=dict(type='LoggerHook', interval=12),
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=1))
randomness = dict(seed=0)
