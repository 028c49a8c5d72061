# ARFlow stage 1 (official configs/sintel_raw.json): unsupervised
# pre-training of PWC-Lite on the raw Sintel movie, WITHOUT AR.  Range-map
# occlusion and 0.15 L1 + 0.85 SSIM for the first 50k iterations, then the
# forward-backward check and census (train.stage1 at epoch 50 x 1000 its).
# Validation every 1000 iterations on Sintel training clean / final.
_base_ = [
    '../_base_/models/arflow_pwclite.py',
    '../_base_/datasets/arflow_sintel.py',
    '../_base_/schedules/arflow_adam_1000k.py'
]
sintel_raw_root = 'data/sintel_raw/'  # the authors' shot split of the movie
model = dict(test_size=(448, 1024))  # official Sintel test resolution
train_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='SintelRawDataset',
        data_root=sintel_raw_root,
        pipeline={{_base_.train_pipeline}}))
custom_hooks = [
    dict(
        type='UnFlowLossStageHook',
        switch_iter=50000,
        loss_cfg=dict(occ_from_back=False, w_l1=0., w_ssim=0., w_ternary=1.)),
    dict(type='FlowVisualizationHook', interval=100)
]
