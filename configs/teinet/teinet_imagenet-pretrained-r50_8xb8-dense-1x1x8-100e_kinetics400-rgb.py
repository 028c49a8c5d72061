# TEINet-R50, 8 frames, Kinetics-400: the TAM Kinetics recipe as in
# mmaction2's TANet config (dense sampling, lr 0.01 for batch 64, 100
# epochs with lr x0.1 at 50/75/90, dropout 0.5, wd 1e-4, fc_lr5, clip 20;
# test 10 clips x 3 crops).
_base_ = [
    'mmaction::recognition/tanet/'
    'tanet_imagenet-pretrained-r50_8xb8-dense-1x1x8-100e_kinetics400-'
    'rgb.py',
    '../_base_/models/teinet_r50.py'
]

custom_imports = dict(imports=['mmext.action'], allow_failed_imports=False)

num_segments = 8
model = dict(
    backbone=dict(
        _delete_=True, num_segments=num_segments, **_base_.teinet_backbone),
    cls_head=dict(num_segments=num_segments))
