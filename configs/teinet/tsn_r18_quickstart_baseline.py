# Baseline for the TEINet quickstart: TSN with the same ResNet-18 (no
# temporal module), the same data, schedule and seed.  TSN averages
# per-frame predictions, so it cannot tell a video from its reversal.
_base_ = './teinet_r18_quickstart.py'

model = dict(
    backbone=dict(
        _delete_=True,
        type='ResNet',
        pretrained=None,
        depth=18,
        norm_eval=False),
    cls_head=dict(
        _delete_=True,
        type='TSNHead',
        num_classes=4,
        in_channels=512,
        spatial_type='avg',
        consensus=dict(type='AvgConsensus', dim=1),
        dropout_ratio=0.5,
        init_std=0.01,
        average_clips='prob'))
