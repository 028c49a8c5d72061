# The RANet quickstart network without PDA and CVF: the same backbone
# (ResNet-18 at 1/4 width with FPS and ERE), mmpose's plain HeatmapHead
# with the same deconvolutions, no part pasting; same data and schedule.
_base_ = ['ranet_quickstart.py']

quickstart = dict(compare=[])  # a row of ranet_quickstart.py's table
model = dict(
    head=dict(
        _delete_=True,
        type='HeatmapHead',
        in_channels=128,
        out_channels=16,
        deconv_out_channels=(32, 32, 32),
        loss=dict(type='KeypointMSELoss', use_target_weight=True),
        decoder={{_base_.codec}}))
train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=(96, 96)),
    dict(type='GenerateTarget', encoder={{_base_.codec}}),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
work_dir = './work_dirs/ranet_quickstart_baseline'
