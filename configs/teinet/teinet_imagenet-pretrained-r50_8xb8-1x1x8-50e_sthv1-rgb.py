# TEINet-R50, 8 frames, Something-Something V1.
# The paper's training recipe is not public; this follows the TAM/TANet
# recipe of the same first author (liu-zhy/temporal-adaptive-module), as
# mmaction2's TANet config does: TSN-style sampling of 8 segments, SGD lr
# 0.01 for batch 64, momentum 0.9, wd 1e-3, TSMOptimWrapperConstructor with
# fc_lr5, gradient clipping 20, 50 epochs with lr x0.1 at 30/40/45, dropout
# 0.6, the Something-Something flip-label map, and the two test protocols
# (val: 1 clip x center crop; test: twice_sample x 3 crops).
_base_ = [
    'mmaction::recognition/tanet/'
    'tanet_imagenet-pretrained-r50_8xb8-1x1x8-50e_sthv1-rgb.py',
    '../_base_/models/teinet_r50.py'
]

custom_imports = dict(imports=['mmext.action'], allow_failed_imports=False)

num_segments = 8
model = dict(
    backbone=dict(
        _delete_=True, num_segments=num_segments, **_base_.teinet_backbone),
    cls_head=dict(num_segments=num_segments))
