# ASFD-D1 trained on WIDER FACE (asfd-d1_r18_8xb4-121e_widerface.py) and
# tested on FDDB, all folds, discrete and continuous TPR at 1000 false
# positives:
#   python tools/test.py \
#       configs/asfd/asfd-d1_r18_8xb4-121e_widerface_test-fddb.py \
#       work_dirs/asfd-d1_r18_8xb4-121e_widerface/epoch_121.pth
# Training with this config is the same run as the WIDER FACE config (the
# same train and val data); only test_dataloader / test_evaluator differ.
_base_ = [
    'mmdet::_base_/default_runtime.py', '../_base_/datasets/fddb.py',
    '../_base_/models/asfd_r18_autofem.py',
    '../_base_/schedules/asfd_sgd_121e.py'
]
custom_imports = dict(imports=['mmext.det'], allow_failed_imports=False)
default_scope = 'mmdet'

default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=3))
