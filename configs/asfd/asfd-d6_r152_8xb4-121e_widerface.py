# ASFD-D6: compound scaling of ASFD-D1 (our choice of the table, see
# README): ResNet-152, Auto-FEM width 288 with 4 AutoFPN cell(s), 3
# depthwise-separable conv(s) per head tower.
_base_ = ['./asfd-d1_r18_8xb4-121e_widerface.py']

width = 288
num_cells = 4
head_convs = 3
model = dict(
    backbone=dict(
        depth=152,
        init_cfg=dict(type='Pretrained',
                      checkpoint='torchvision://resnet152')),
    neck=dict(
        in_channels=[256, 512, 1024, 2048],
        out_channels=width,
        extra_channels=(width, 2 * width),
        num_cells=num_cells),
    bbox_head=dict(
        in_channels=[width] * 6, feat_channels=width, num_dw_convs=head_convs),
    first_shot_head=dict(
        in_channels=[width] * 6, feat_channels=width, num_dw_convs=head_convs))
