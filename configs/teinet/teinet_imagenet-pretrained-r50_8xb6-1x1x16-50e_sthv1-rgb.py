# TEINet-R50, 16 frames, Something-Something V1: the 8-frame recipe with 16
# segments in the sampler, the backbone and the head (batch 6 per GPU, as
# mmaction2's 16-frame TANet config).
_base_ = [
    'mmaction::recognition/tanet/'
    'tanet_imagenet-pretrained-r50_8xb6-1x1x16-50e_sthv1-rgb.py',
    '../_base_/models/teinet_r50.py'
]

custom_imports = dict(imports=['mmext.action'], allow_failed_imports=False)

num_segments = 16
model = dict(
    backbone=dict(
        _delete_=True, num_segments=num_segments, **_base_.teinet_backbone),
    cls_head=dict(num_segments=num_segments))
