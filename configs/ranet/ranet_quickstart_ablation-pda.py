# Quickstart ablation: the baseline network (FPS + ERE, mmpose's
# HeatmapHead) trained with PDA, i.e. RANet's quickstart without CVF.
_base_ = ['ranet_quickstart_baseline.py']

train_pipeline = [
    dict(type='LoadImage'),
    dict(type='GetBBoxCenterScale'),
    {{_base_.pda}},
    dict(type='RandomFlip', direction='horizontal'),
    dict(type='RandomBBoxTransform', shift_prob=0),
    dict(type='TopdownAffine', input_size=(96, 96)),
    dict(type='GenerateTarget', encoder={{_base_.codec}}),
    dict(type='PackPoseInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
work_dir = './work_dirs/ranet_quickstart_ablation-pda'
