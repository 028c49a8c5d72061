# DBG quickstart: a narrow DBG trained on synthetic ActivityNet-style
# features on CPU in one to two minutes, next to mmaction2's BMN on the same
# data (bmn_quickstart_baseline.py). The data (64 training and 24 validation
# videos, csv_mean_100 CSVs of 200 "RGB" + 200 "flow" channels and
# mmaction2's anet_anno_*.json) is written deterministically on first use by
# mmext.action.datasets.dbg_quickstart_data and read by mmaction2's own
# dataset,
# loading, label and AR@AN code. Everything else follows the paper recipe
# (losses, labels, PFG, soft-NMS, Adam with a 10x step, per-part weight
# decay) at a small scale.
_base_ = ['dbg_400x100_1xb16-12e_activitynet-feature.py']

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/dbg/'
quickstart = dict(
    task='temporal action proposals',
    metric='auc',
    prepare='mmext.action.datasets.dbg_quickstart_data.'
    'prepare_quickstart_data',
    compare=['bmn_quickstart_baseline.py'])

feature_root = data_root + 'activitynet_feature_cuhk/csv_mean_100/'
# 1/4 to 1/32 of DBG's widths, for 2 CPU cores
model = dict(
    dsb_hidden_dims=(64, 8),
    acr_hidden_dim=16,
    tbc_hidden_dim_3d=16,
    tbc_hidden_dim_2d=16)

train_dataloader = dict(
    batch_size=8,
    num_workers=1,
    dataset=dict(
        ann_file=data_root + 'anet_anno_train.json',
        data_prefix=dict(video=feature_root),
        # no duplication of short-action videos here, so that DBG and BMN
        # train for the same 48 iterations
        repeat_mean_length_below=None))
val_dataloader = dict(
    batch_size=8,
    num_workers=1,
    dataset=dict(
        ann_file=data_root + 'anet_anno_val.json',
        data_prefix=dict(video=feature_root)))
test_dataloader = val_dataloader

max_epochs = 6
# no validation while training: tools/quickstart.py tests the last epoch
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

work_dir = './work_dirs/dbg_quickstart'
test_evaluator = dict(
    dump_config=dict(out=f'{work_dir}/results.json', output_format='json'))
val_evaluator = test_evaluator
randomness = dict(seed=0)
