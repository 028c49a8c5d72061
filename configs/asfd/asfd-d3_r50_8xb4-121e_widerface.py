# ASFD-D3: compound scaling of ASFD-D1 (our choice of the table, see
# README): ResNet-50, Auto-FEM width 192 with 2 AutoFPN cell(s), 2
# depthwise-separable conv(s) per head tower.
_base_ = ['./asfd-d1_r18_8xb4-121e_widerface.py']

width = 192
num_cells = 2
head_convs = 2
model = dict(
    backbone=dict(
        depth=50,
        init_cfg=dict(type='Pretrained', checkpoint='torchvision://resnet50')),
    neck=dict(
        in_channels=[256, 512, 1024, 2048],
        out_channels=width,
        extra_channels=(width, 2 * width),
        num_cells=num_cells),
    bbox_head=dict(
        in_channels=[width] * 6, feat_channels=width, num_dw_convs=head_convs),
    first_shot_head=dict(
        in_channels=[width] * 6, feat_channels=width, num_dw_convs=head_convs))
