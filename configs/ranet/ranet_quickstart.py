# RANet quickstart: a narrow RANet-ResNet-18 (FPS + ERE + CVF with
# visibility + PDA) trained from scratch on CPU, on synthetic confusing
# persons written deterministically in mmpose's MPII format by
# mmext.pose.datasets.ranet_quickstart_data (look-alike left/right limbs,
# nearby persons in the same clothes, stray forearms / shins and limb-shaped
# occluders, all from one small palette of textures), together with a tiny
# PDA part library cut from LIP-style parsing maps by the part-library
# tool.  mmpose's MpiiDataset and MpiiPCKAccuracy (PCKh@0.5) read it.
# The table rows (quickstart.compare) share data, schedule, backbone and
# every other setting; each drops one component:
#   ranet_quickstart_ablation-pda.py  PDA, no CVF (mmpose's HeatmapHead)
#   ranet_quickstart_ablation-cvf.py  CVF, no PDA
#   ranet_quickstart_baseline.py      neither
# Departures from the paper config (ranet_res50_8xb64-210e_mpii-256x256),
# all for a CPU budget and shared by the four rows: ResNet-18 at 1/4 width
# from scratch instead of an ImageNet ResNet-50; 96x96 input, 24x24
# heatmaps with sigma 1; 16-channel CVF refinement and a vote radius of
# 1 heatmap px (= sigma); 160 training images, batch 16, Adam 2e-3 for 48
# epochs (lowered 10x at 40, 20 warm-up iterations) instead of 5e-4 for
# 210; no validation while training.  PDA keeps the paper config's
# probability and part count.
_base_ = ['ranet_res50_8xb64-210e_mpii-256x256.py']

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/ranet/'
quickstart = dict(
    task='pose estimation',
    metric='PCK',
    prepare=('mmext.pose.datasets.ranet_quickstart_data.'
             'prepare_quickstart_data'),
    compare=[
        'ranet_quickstart_ablation-pda.py', 'ranet_quickstart_ablation-cvf.py',
        'ranet_quickstart_baseline.py'
    ])
part_library = data_root + 'part_library/'

codec = dict(
    type='MSRAHeatmap', input_size=(96, 96), heatmap_size=(24, 24), sigma=1)
# ResNet-18 at 1/4 width, trained from scratch (no weights to download)
model = dict(
    backbone=dict(
        depth=18,
        stem_channels=16,
        base_channels=16,
        fps=dict(mid_channels=8),
        ere=dict(num_regions=4, reduction=4, dilation=2),
        init_cfg=None),
    head=dict(
        pose_cfg=dict(
            in_channels=128,
            deconv_out_channels=(32, 32, 32),
            refine_channels=16,
            num_stages=3,
            vote_radius=1.,  # sigma of this codec
            decoder=codec)))

# PDA as in the paper config (prob 0.5, 1-4 parts); the ablation with PDA
# and no CVF uses this very step
pda = dict(
    type='ParsingBasedDataAugmentation',
    part_library=part_library,
    prob=0.5,
    num_parts=(1, 4))
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    pda,
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='GenerateTarget', encoder=codec),
    dict(type='PackPoseInputs')
]
val_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='TopdownAffine', input_size=codec['input_size']),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(
    batch_size=16,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/mpii_train.json',
        data_prefix=dict(img='images/'),
        pipeline=train_pipeline))
val_dataloader = dict(
    batch_size=32,
    num_workers=0,
    persistent_workers=False,
    dataset=dict(
        data_root=data_root,
        ann_file='annotations/mpii_val.json',
        headbox_file=data_root + 'annotations/mpii_gt_val.mat',
        data_prefix=dict(img='images/'),
        pipeline=val_pipeline))
test_dataloader = val_dataloader

max_epochs = 48
# no validation while training: tools/quickstart.py tests the last epoch
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs + 1)
optim_wrapper = dict(optimizer=dict(lr=2e-3))
param_scheduler = [
    dict(type='LinearLR', begin=0, end=20, start_factor=0.01, by_epoch=False),
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        milestones=[40],
        gamma=0.1,
        by_epoch=True)
]
auto_scale_lr = dict(enable=False)
default_hooks = dict(
    logger=dict(interval=5),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1, save_best=None))
work_dir = './work_dirs/ranet_quickstart'
randomness = dict(seed=0)
