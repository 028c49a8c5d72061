# mmaction2's BMN on the DBG quickstart data (see dbg_quickstart.py): BMN's
# own recipe (mmaction::localization/bmn) at the quickstart's scale: the same
# data, epochs, batch size and similar widths as dbg_quickstart.py.
_base_ = [
    'mmaction::localization/bmn/bmn_2xb8-400x100-9e_activitynet-feature.py'
]
custom_imports = dict(imports=['mmext.action'], allow_failed_imports=False)
default_scope = 'mmaction'

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/dbg/'
quickstart = dict(
    task='temporal action proposals',
    metric='auc',
    prepare='mmext.action.datasets.dbg_quickstart_data.'
    'prepare_quickstart_data')

feature_root = data_root + 'activitynet_feature_cuhk/csv_mean_100/'
model = dict(hidden_dim_1d=16, hidden_dim_2d=16, hidden_dim_3d=16)

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    dataset=dict(
        ann_file=data_root + 'anet_anno_train.json',
        data_prefix=dict(video=feature_root)))
val_dataloader = dict(
    num_workers=1,
    dataset=dict(
        ann_file=data_root + 'anet_anno_val.json',
        data_prefix=dict(video=feature_root)))
test_dataloader = val_dataloader  # BMN.predict reads batch item 0 only: 1

max_epochs = 6
train_cfg = dict(max_epochs=max_epochs, val_begin=max_epochs + 1)
# 10x the recipes' lr (1e-3) for both models: at 1e-3 a 6-epoch schedule
# leaves BMN (PyTorch's default init) barely trained.
optim_wrapper = dict(optimizer=dict(lr=1e-2))
param_scheduler = [
    dict(
        type='MultiStepLR',
        begin=0,
        end=max_epochs,
        by_epoch=True,
        milestones=[5],
        gamma=0.1)
]
default_hooks = dict(
    logger=dict(interval=5),
    checkpoint=dict(interval=max_epochs, max_keep_ckpts=1, save_best=None))

work_dir = './work_dirs/bmn_quickstart_baseline'
test_evaluator = dict(
    dump_config=dict(out=f'{work_dir}/results.json', output_format='json'))
val_evaluator = test_evaluator
randomness = dict(seed=0)
