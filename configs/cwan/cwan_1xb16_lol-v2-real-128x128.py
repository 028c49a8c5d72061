# CWAN on LOL-v2 real (689 training / 100 test pairs, 600x400,
# {Train,Test}/{Low,Normal}, low00001.png <-> normal00001.png); everything
# else as the LOL-v1 config (our schedule: ~1400 LOL-v2 epochs).
_base_ = ['./cwan_1xb16_lol-v1-128x128.py']
data_root = 'data/LOL-v2/Real_captured/'
train_dataloader = dict(dataset=dict(data_root=data_root, layout='lol_v2'))
val_dataloader = dict(dataset=dict(data_root=data_root, layout='lol_v2'))
test_dataloader = val_dataloader
