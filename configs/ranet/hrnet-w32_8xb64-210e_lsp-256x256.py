# Baseline: mmpose's HRNet-W32 recipe on LSP: the MPII config's model and
# recipe, trained on the
# LSP training images (1-1000) + LSP-extended (10000) and tested on the LSP
# test images (1001-2000) with PCK@0.2 normalised by the torso (left
# shoulder - right hip), the usual LSP protocol. The data is read from the
# original releases (joints.mat + images/, see README: Data preparation);
# LSP's 14 joints replace MPII's 16.
_base_ = ['hrnet-w32_8xb64-210e_mpii-256x256.py']
custom_imports = dict(imports=['mmext.pose'], allow_failed_imports=False)

model = dict(head=dict(out_channels=14))

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
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(lsp, split='train', pipeline={{_base_.train_pipeline}}),
            dict(lspet, split='train', pipeline={{_base_.train_pipeline}})
        ]))
val_dataloader = dict(
    dataset=dict(
        _delete_=True,
        split='test',
        test_mode=True,
        pipeline={{_base_.val_pipeline}},
        **lsp))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, type='LspPCKAccuracy', thr=0.2)
test_evaluator = val_evaluator
