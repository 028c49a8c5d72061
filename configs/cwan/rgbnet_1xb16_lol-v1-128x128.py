# The RGB baseline of CWAN (ours): a plain residual CNN on sRGB, rgb + f(rgb)
# with 13 3x3 convs of width 62 (the colour net's depth; 384,651 parameters
# against CWAN's 384,775), the L1 loss on RGB in [0, 1], and the LOL-v1
# config's data, schedule and evaluation: what CWAN's Lab split is measured
# against.
_base_ = ['./cwan_1xb16_lol-v1-128x128.py']
model = dict(
    _delete_=True,
    type='BaseEditModel',
    data_preprocessor=dict(
        type='EnhanceDataPreprocessor', mean=[0., 0., 0.],
        std=[255., 255., 255.]),
    generator=dict(type='RGBResidualNet', num_convs=13, channels=62),
    pixel_loss=dict(type='L1Loss', loss_weight=1.))
