# Quickstart ablation: RANet's quickstart network (FPS + ERE + CVF with
# visibility) trained without PDA.
_base_ = ['ranet_quickstart.py']

quickstart = dict(compare=[])  # a row of ranet_quickstart.py's table

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
work_dir = './work_dirs/ranet_quickstart_ablation-cvf'
