# TEINet-R50, 16 frames, Something-Something V2: mmaction2's 16-frame TSM
# SthV2 recipe with the TEINet backbone and 16 segments everywhere.
_base_ = [
    'mmaction::recognition/tsm/'
    'tsm_imagenet-pretrained-r50_8xb16-1x1x16-50e_sthv2-rgb.py',
    '../_base_/models/teinet_r50.py'
]

custom_imports = dict(imports=['mmext.action'], allow_failed_imports=False)

num_segments = 16
model = dict(
    backbone=dict(
        _delete_=True, num_segments=num_segments, **_base_.teinet_backbone),
    cls_head=dict(num_segments=num_segments))
