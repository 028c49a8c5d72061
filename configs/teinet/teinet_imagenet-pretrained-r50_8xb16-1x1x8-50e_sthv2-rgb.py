# TEINet-R50, 8 frames, Something-Something V2 (videos, decord).
# The paper gives no V2 recipe; this is mmaction2's TSM-R50 SthV2 recipe
# (lr 0.02 for batch 128, wd 5e-4, 5-epoch linear warm-up, lr x0.1 at 25/45,
# fc_lr5, clip 20, the V2 flip-label map) with the TEINet backbone.
_base_ = [
    'mmaction::recognition/tsm/'
    'tsm_imagenet-pretrained-r50_8xb16-1x1x8-50e_sthv2-rgb.py',
    '../_base_/models/teinet_r50.py'
]

custom_imports = dict(imports=['mmext.action'], allow_failed_imports=False)

num_segments = 8
model = dict(
    backbone=dict(
        _delete_=True, num_segments=num_segments, **_base_.teinet_backbone),
    cls_head=dict(num_segments=num_segments))
