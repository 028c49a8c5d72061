# The RGB baseline of the CWAN quickstart: cwan_quickstart.py with the model
# of rgbnet_1xb16_lol-v1-128x128.py (residual CNN on sRGB, 13 convs of width
# 62, 384,651 parameters vs CWAN's 384,775; L1 on RGB); data, optimiser,
# iterations and evaluation identical.
_base_ = ['./cwan_quickstart.py']
model = dict(
    _delete_=True,
    type='BaseEditModel',
    data_preprocessor=dict(
        type='EnhanceDataPreprocessor', mean=[0., 0., 0.],
        std=[255., 255., 255.]),
    generator=dict(type='RGBResidualNet', num_convs=13, channels=62),
    pixel_loss=dict(type='L1Loss', loss_weight=1.))
work_dir = './work_dirs/cwan_rgb_quickstart_baseline'
