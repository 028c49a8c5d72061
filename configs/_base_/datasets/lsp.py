# LSP (Johnson and Everingham, 2010) with the usual protocol: train on the
# LSP training images (1-1000) + LSP-extended (10000), test on the LSP test
# images (1001-2000) with PCK@0.2 normalised by the torso (left shoulder -
# right hip).  The data is read from the original releases (joints.mat +
# images/, see configs/ranet/README.md: Data preparation) in LSP's 14-joint
# order.
# The LSP configs take their model and pipelines from an MPII config and
# these datasets from here.  The MPII configs (through mmpose's) hold the
# dataloaders and evaluators, and mmengine refuses a key defined in two
# bases, so the datasets and the metric are given under names of their own
# and the LSP config puts them in place with its pipelines:
#   train_dataloader = dict(dataset=dict(_delete_=True, type='ConcatDataset',
#       datasets=[dict(d, pipeline=_base_.train_pipeline)
#                 for d in _base_.lsp_train]))
lsp = dict(
    type='LspDataset',
    data_root='data/lsp/',
    ann_file='joints.mat',
    subset='lsp',
    data_prefix=dict(img='images/'))
lspet = dict(
    type='LspDataset',
    data_root='data/lspet/',
    ann_file='joints.mat',
    subset='lspet',
    data_prefix=dict(img='images/'))
lsp_train = [dict(lsp, split='train'), dict(lspet, split='train')]
lsp_test = dict(lsp, split='test', test_mode=True)
lsp_evaluator = dict(type='LspPCKAccuracy', thr=0.2)
