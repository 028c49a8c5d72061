# ASFD-D0: compound scaling of ASFD-D1 (our choice of the table, see
# README): MobileNetV2, Auto-FEM width 64 with 1 AutoFPN cell(s), 1
# depthwise-separable conv(s) per head tower.
_base_ = ['./asfd-d1_r18_8xb4-121e_widerface.py']

width = 64
num_cells = 1
head_convs = 1
model = dict(
    backbone=dict(
        _delete_=True,
        type='MobileNetV2',
        widen_factor=1.0,
        out_indices=(1, 2, 4, 6),
        act_cfg=dict(type='ReLU6'),
        init_cfg=dict(
            type='Pretrained', checkpoint='open-mmlab://mmdet/mobilenet_v2')),
    neck=dict(
        in_channels=[24, 32, 96, 320],
        out_channels=width,
        extra_channels=(width, 2 * width),
        num_cells=num_cells),
    bbox_head=dict(
        in_channels=[width] * 6, feat_channels=width, num_dw_convs=head_convs),
    first_shot_head=dict(
        in_channels=[width] * 6, feat_channels=width, num_dw_convs=head_convs))
