# ASFD-D1: ResNet-18 with the Auto-FEM width 128, one AutoFPN cell and one
# depthwise-separable conv per head tower, i.e. the authors' public
# DSFDv2_r18 settings. The D0-D6 table (configs/asfd/README.md) is our
# compound-scaling choice in EfficientDet's manner (backbone, Auto-FEM width
# and cells, head depth scaled together); the paper's table is not public.
_base_ = [
    'mmdet::_base_/default_runtime.py',
    '../_base_/datasets/wider_face_official.py',
    '../_base_/models/asfd_r18_autofem.py',
    '../_base_/schedules/asfd_sgd_121e.py'
]
custom_imports = dict(imports=['mmext.det'], allow_failed_imports=False)
default_scope = 'mmdet'

default_hooks = dict(
    checkpoint=dict(type='CheckpointHook', interval=10, max_keep_ckpts=3))
