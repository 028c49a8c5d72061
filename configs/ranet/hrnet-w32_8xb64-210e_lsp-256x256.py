# Baseline: mmpose's HRNet-W32 recipe on LSP: the MPII config's model and
# recipe, with the LSP
# data of configs/_base_/datasets/lsp.py (LSP + LSP-extended training, the
# LSP test images, PCK@0.2 by the torso); LSP's 14 joints replace MPII's 16.
_base_ = ['hrnet-w32_8xb64-210e_mpii-256x256.py', '../_base_/datasets/lsp.py']

model = dict(head=dict(out_channels=14))

train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='ConcatDataset',
        datasets=[
            dict(d, pipeline=_base_.train_pipeline) for d in _base_.lsp_train
        ]))
val_dataloader = dict(
    dataset=dict(
        _delete_=True, pipeline=_base_.val_pipeline, **_base_.lsp_test))
test_dataloader = val_dataloader
val_evaluator = dict(_delete_=True, **_base_.lsp_evaluator)
test_evaluator = val_evaluator
