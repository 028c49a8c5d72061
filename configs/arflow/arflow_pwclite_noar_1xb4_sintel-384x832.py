# The no-AR baseline of arflow_pwclite_ar_1xb4_sintel-384x832.py (official
# configs/sintel_ft.json): identical data, loss, schedule and
# initialisation, without the appearance / spatial transforms and AR loss.
_base_ = ['./arflow_pwclite_ar_1xb4_sintel-384x832.py']
model = dict(ar_loss=None, spatial_transform=None)
train_pipeline = [
    dict(type='LoadFlowFrames'),
    dict(type='FlowRandomCrop', crop_size=(384, 832)),
    dict(type='FlowRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='FlowTemporalSwap', prob=0.5),
    dict(type='PackFlowInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
