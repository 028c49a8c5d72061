# DDL quickstart: the model of the CurricularFace quickstart (a narrow IR-18
# on its synthetic faces, 200 identities x 12 images in train.rec/train.idx,
# here with DDL's split and pair files), tested on 60 *unseen* identities
# written in the SCface layout (a 112x112 mugshot gallery; probes stored at
# 36/20/14 px for d3/d2/d1). Data: mmext.face.datasets.ddl_quickstart_data.
# The hard branches are the easy data degraded to a random 12-24 px side
# (RandomLowResolution); a hard pair is an HR image + a degraded one.
# The paper fine-tunes a trained recogniser with DDL at lr 1e-3; with no
# pretrained model here, one run does both: CurricularFace on the easy and
# hard branches from scratch for 45 epochs (lr 0.1, x0.1 at epoch 35; the
# pair images are not embedded while DDL is off), then the paper's
# fine-tuning with DDL at lr 1e-3 for 10 epochs (from iteration 540 of 660).
# Other differences, for the tiny scale: those of the CurricularFace
# quickstart (1/8 width, 128-d embedding, s=32) and 16 items per branch (an
# epoch is 200 identities / 16 = 12 steps).
# The DDL loss is DDLLoss's defaults, the paper's (1000 bins, sigma 0.1,
# weights 0.1/0.02/0.5, teacher = easy branch, not detached).
_base_ = ['../curricularface/curricularface_ir18_quickstart.py']

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/ddl/'
quickstart = dict(
    task='face recognition (low resolution)',
    metric='identification/d1/rank-1',
    prepare='mmext.face.datasets.ddl_quickstart_data.prepare_quickstart_data',
    compare=['curricularface-ft_ir18_quickstart_baseline.py'])

model = dict(
    type='DDLRecognizer',
    # easy and hard branches are the same 200 identities: one head
    share_head=True,
    ddl_loss=dict(type='DDLLoss'),
    # TFace runs on 8 GPUs, where its AllGather gives DDL's gradient 8 times
    # the weight it has against CE on one process: on one process, 8
    ddl_grad_scale=8.,
    train_cfg=dict(ddl_start_iter=540))

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
    _delete_=True,
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
    _delete_=True,
    batch_size=100,
    num_workers=0,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='SCfaceDataset',
        data_root=data_root + 'scface/',
        subject_file='test_subjects.txt',
        pipeline=scface_pipeline))
test_evaluator = dict(
    _delete_=True, type='FaceIdentificationMetric', topk=(1, 5))
val_dataloader = test_dataloader
val_evaluator = test_evaluator

param_scheduler = dict(milestones=[35, 45])
# no validation while training: tools/quickstart.py tests the last epoch
train_cfg = dict(max_epochs=55, val_begin=56)
default_hooks = dict(
    logger=dict(interval=12), checkpoint=dict(interval=10))
