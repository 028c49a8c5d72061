# Baseline of the FAN quickstart: the plain recogniser (the CurricularFace
# quickstart's) trained on the HR faces for FAN's 9 epochs (lr 0.1, x0.1 at
# epoch 5, as FAN's stage 0), tested on the same HR / 12-16 px pairs.
_base_ = ['../curricularface/curricularface_ir18_quickstart.py']

data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/fan/'
# the FAN quickstart's data (not the CurricularFace quickstart's)
quickstart = dict(
    task='face recognition (low resolution)',
    metric='verification/val_lr/accuracy',
    prepare='mmext.face.datasets.fan_quickstart_data.prepare_quickstart_data',
    compare=[])
train_dataloader = dict(dataset=dict(data_root=data_root))
lr_pipeline = [
    dict(type='DecodeImageFromBytes'),
    dict(type='Resize', scale=(112, 112)),  # the probes are stored small
    dict(
        type='PackInputs',
        meta_keys=('sample_idx', 'set_name', 'pair_index', 'pair_pos',
                   'issame')),
]
val_dataloader = dict(
    dataset=dict(
        data_root=data_root, bin_files='val_lr.bin', pipeline=lr_pipeline))
test_dataloader = val_dataloader
train_cfg = dict(max_epochs=9, val_begin=10)
default_hooks = dict(checkpoint=dict(interval=9))
