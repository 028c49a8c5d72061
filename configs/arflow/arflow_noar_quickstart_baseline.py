# The no-AR baseline of the ARFlow quickstart: arflow_quickstart.py without
# the appearance / spatial transforms and the AR loss (official
# sintel_ft.json vs sintel_ft_ar.json); everything else identical.
_base_ = ['./arflow_quickstart.py']
model = dict(ar_loss=None, spatial_transform=None)
train_pipeline = [
    dict(type='LoadFlowFrames'),
    dict(type='FlowRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='FlowTemporalSwap', prob=0.5),
    dict(type='PackFlowInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
work_dir = './work_dirs/arflow_noar_quickstart_baseline'
