# WIDER FACE from the official release, read without conversion by
# WIDERFaceTxtDataset and scored by WIDERFaceMetric with the official
# eval_tools protocol (Easy/Medium/Hard AP in [0, 1], keys
# wider_face/{easy,medium,hard}).  Layout of data_root:
#   WIDER_{train,val,test}/images/<event>/<name>.jpg
#   wider_face_split/wider_face_{train,val}_bbx_gt.txt
#   wider_face_split/wider_face_test_filelist.txt
#   eval_tools/ground_truth/wider_face_val.mat
#   eval_tools/ground_truth/wider_{easy,medium,hard}_val.mat
# A config that changes data_root must also set the datasets' data_root and
# val_evaluator/test_evaluator gt_dir (they are resolved here).
# Test-server submission: test on
#   ann_file='wider_face_split/wider_face_test_filelist.txt',
#   data_prefix=dict(img='WIDER_test/images/')
# with test_evaluator=dict(format_only=True, submission_dir=...).
dataset_type = 'WIDERFaceTxtDataset'
data_root = 'data/WIDERFace/'
backend_args = None

# Training augmentation of PyramidBox/DSFD: photometric distortion, then
# either data-anchor-sampling (DSFD's Improved Anchor Matching) or an
# SSD-style zoom-out + IoU-constrained random crop, each with probability
# 0.5 (the PyramidBox reimplementations' data_anchor_sampling_prob; the DSFD
# and ASFD papers do not state it), 640x640, flip. The fills are the BGR
# mean (Expand's RGB mean with to_rgb=True).
img_scale = (640, 640)
train_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(type='PhotoMetricDistortion'),
    dict(
        type='RandomChoice',
        transforms=[
            [
                dict(
                    type='DataAnchorSampling',
                    anchor_scales=(16, 32, 64, 128, 256, 512),
                    crop_size=640)
            ],
            [
                dict(
                    type='Expand',
                    mean=[123.675, 116.28, 103.53],
                    to_rgb=True,
                    ratio_range=(1, 4)),
                dict(
                    type='MinIoURandomCrop',
                    min_ious=(0.1, 0.3, 0.5, 0.7, 0.9),
                    min_crop_size=0.3)
            ],
        ],
        prob=[0.5, 0.5]),
    dict(type='Resize', scale=img_scale, keep_ratio=False),
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackDetInputs')
]
# Single-scale test at the original size (the usual WIDER FACE protocol);
# Resize with scale_factor 1 only records the scale for rescaling.
test_pipeline = [
    dict(type='LoadImageFromFile', backend_args=backend_args),
    dict(type='Resize', scale_factor=1.0, keep_ratio=True),
    dict(type='LoadAnnotations', with_bbox=True),
    dict(
        type='PackDetInputs',
        meta_keys=('img_id', 'img_path', 'ori_shape', 'img_shape',
                   'scale_factor'))
]

train_dataloader = dict(
    batch_size=4,  # per GPU
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='wider_face_split/wider_face_train_bbx_gt.txt',
        data_prefix=dict(img='WIDER_train/images/'),
        # invalid faces and faces with w or h <= 0 are ignore_flag=1; set
        # bbox_min_size to also ignore smaller faces (none by default)
        ignore_invalid=True,
        filter_cfg=dict(filter_empty_gt=True),
        pipeline=train_pipeline,
        backend_args=backend_args))
val_dataloader = dict(
    batch_size=1,  # original sizes differ
    num_workers=2,
    persistent_workers=True,
    drop_last=False,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type=dataset_type,
        data_root=data_root,
        ann_file='wider_face_split/wider_face_val_bbx_gt.txt',
        data_prefix=dict(img='WIDER_val/images/'),
        test_mode=True,
        pipeline=test_pipeline,
        backend_args=backend_args))
test_dataloader = val_dataloader

val_evaluator = dict(
    type='WIDERFaceMetric', gt_dir=data_root + 'eval_tools/ground_truth/')
test_evaluator = val_evaluator
