# ARFlow stage 1 on KITTI (official configs/kitti_raw.json): unsupervised
# pre-training on KITTI raw (the authors' kitti_train_2f_sv.txt list),
# 256x832 resize, no crop, w_smooth 75 with 2nd-order smoothness; range map
# + L1/SSIM for 50k iterations, then forward-backward check + census.
# Validation on the KITTI 2015 and 2012 training sets (EPE, Fl).
_base_ = [
    '../_base_/models/arflow_pwclite.py', '../_base_/datasets/arflow_kitti.py',
    '../_base_/schedules/arflow_adam_1000k.py'
]
kitti_raw_root = 'data/kitti_raw/'
model = dict(test_size=(256, 832), loss=dict(w_smooth=75., smooth_2nd=True))
train_dataloader = dict(
    dataset=dict(
        type='KITTIRawDataset',
        data_root=kitti_raw_root,
        list_file=kitti_raw_root + 'kitti_train_2f_sv.txt',
        pipeline={{_base_.train_pipeline}}))
custom_hooks = [
    dict(
        type='UnFlowLossStageHook',
        switch_iter=50000,
        loss_cfg=dict(occ_from_back=False, w_l1=0., w_ssim=0., w_ternary=1.)),
    dict(type='FlowVisualizationHook', interval=100)
]
