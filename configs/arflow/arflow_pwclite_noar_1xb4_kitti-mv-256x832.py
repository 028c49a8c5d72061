# The no-AR baseline of arflow_pwclite_ar_1xb4_kitti-mv-256x832.py: identical
# data, loss, schedule and initialisation without the AR transforms / loss.
_base_ = ['./arflow_pwclite_ar_1xb4_kitti-mv-256x832.py']
model = dict(ar_loss=None, spatial_transform=None)
train_pipeline = [
    dict(type='LoadFlowFrames'),
    dict(type='FlowResize', scale=(256, 832)),
    dict(type='FlowRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='FlowTemporalSwap', prob=0.5),
    dict(type='PackFlowInputs')
]
train_dataloader = dict(dataset=dict(pipeline=train_pipeline))
