# CWAN on SID-Sony in sRGB (the paper's probable benchmark; the note's
# section 4: unverified), laid out as {train,test}/{short,long}/*.png with
# the SID names (00001_00_0.1s.png -> 00001_00_10s.png, paired by scene
# id, several short exposures per long one; PairedImageDataset's
# 'sid_srgb' layout, ours).  Larger crops for the larger frames (ours);
# everything else as the LOL-v1 config.
_base_ = ['./cwan_1xb16_lol-v1-128x128.py']
data_root = 'data/SID/Sony_srgb/'
crop_size = (256, 256)
train_pipeline = [
    dict(type='LoadPairedImages'),
    dict(type='PairedRandomCrop', crop_size=crop_size),
    dict(type='PairedRandomFlip', prob=0.5, direction='horizontal'),
    dict(type='PairedRandomFlip', prob=0.5, direction='vertical'),
    dict(type='PackEnhanceInputs')
]
train_dataloader = dict(
    dataset=dict(
        data_root=data_root, layout='sid_srgb', pipeline=train_pipeline))
val_dataloader = dict(dataset=dict(data_root=data_root, layout='sid_srgb'))
test_dataloader = val_dataloader
