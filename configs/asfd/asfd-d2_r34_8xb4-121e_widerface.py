# ASFD-D2: compound scaling of ASFD-D1 (our choice of the table, see
# README): ResNet-34, Auto-FEM width 160 with 2 AutoFPN cell(s), 1
# depthwise-separable conv(s) per head tower.
_base_ = ['./asfd-d1_r18_8xb4-121e_widerface.py']

width = 160
num_cells = 2
head_convs = 1
model = dict(
    backbone=dict(
        depth=34,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet34')),
    neck=dict(
        in_channels=[64, 128, 256, 512],
        out_channels=width,
        extra_channels=(width, 2 * width),
        num_cells=num_cells),
    bbox_head=dict(
        in_channels=[width] * 6, feat_channels=width, num_dw_convs=head_convs),
    first_shot_head=dict(
        in_channels=[width] * 6, feat_channels=width, num_dw_convs=head_convs))
