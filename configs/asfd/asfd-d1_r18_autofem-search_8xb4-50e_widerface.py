# Auto-FEM search on WIDER FACE: ASFD-D1 with the Auto-FEM supernet
# (AutoFEMSearch) in place of the searched neck. Architecture and weight
# parameters are optimised alternately inside the runner (DARTSSearchLoop,
# DARTSOptimWrapperConstructor), with the improvements of the public DSFDv2
# code over DARTS: hard Gumbel sampling (GDAS), partial channels K=4 and
# edge normalisation (PC-DARTS). Afterwards
#   python tools/analysis_tools/asfd_derive_genotype.py <this config> \
#       work_dirs/<...>/epoch_50.pth --out configs/asfd/asfd-d1_searched.py
# writes a detector config with the derived genotype, retrained from
# scratch. The search schedule (50 epochs, 15 weight-only warm-up epochs,
# arch Adam 3e-4 / betas (0.5, 0.999) / wd 1e-3, weights SGD with cosine
# decay, Gumbel temperature 10 -> 0.1) follows DARTS/GDAS/PC-DARTS; the
# paper's search schedule is not public.
_base_ = ['./asfd-d1_r18_8xb4-121e_widerface.py']

# noise_scale 1: standard Gumbel samples as GDAS (the public code: 1e-3)
model = dict(
    neck=dict(
        type='AutoFEMSearch', partial_channels=4, tau=10.0, noise_scale=1.0))

# DARTS' split of the training set: even images train the weights, odd
# images the architecture. WIDER train has 12880 images, of which more than
# 12800 have faces (filter_empty_gt), so the first 12800 are split.
train_dataloader = dict(dataset=dict(indices=list(range(0, 12800, 2))))
search_dataloader = dict(
    batch_size=4,
    num_workers=4,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=True),
    dataset=dict(
        type='WIDERFaceTxtDataset',
        data_root={{_base_.data_root}},
        ann_file='wider_face_split/wider_face_train_bbx_gt.txt',
        data_prefix=dict(img='WIDER_train/images/'),
        filter_cfg=dict(filter_empty_gt=True),
        indices=list(range(1, 12800, 2)),
        pipeline={{_base_.train_pipeline}}))

max_epochs = 50
train_cfg = dict(
    _delete_=True,
    type='DARTSSearchLoop',
    search_dataloader=search_dataloader,
    max_epochs=max_epochs,
    arch_begin=15,
    tau_range=(10.0, 0.1),
    val_interval=max_epochs)
optim_wrapper = dict(
    _delete_=True,
    constructor='DARTSOptimWrapperConstructor',
    weights=dict(
        type='OptimWrapper',
        optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=5e-4),
        clip_grad=dict(max_norm=35, norm_type=2)),
    architecture=dict(
        type='OptimWrapper',
        optimizer=dict(
            type='Adam', lr=3e-4, betas=(0.5, 0.999), weight_decay=1e-3)))
param_scheduler = dict(
    _delete_=True,
    weights=[
        dict(
            type='CosineAnnealingLR',
            T_max=max_epochs,
            eta_min=1e-4,
            by_epoch=True,
            begin=0,
            end=max_epochs)
    ],
    architecture=[])
