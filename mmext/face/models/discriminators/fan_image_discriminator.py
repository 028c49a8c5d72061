from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FANImageDiscriminator(BaseModule):
    """The image-level discriminator of FAN: real HR vs decoded faces.

    A patch discriminator (as pix2pix's; the paper's is not verified):
    ``num_layers`` stride-2 4x4 convs doubling the width from
    ``base_channels`` (no normalisation on the first, BN after), LeakyReLU
    0.2, then a 3x3 conv to one logit per patch.

    Args:
        in_channels (int): Image channels. Defaults to 3.
        base_channels (int): Width of the first conv. Defaults to 64.
        num_layers (int): Stride-2 convs. Defaults to 3.
        norm_cfg (dict): Normalisation layers. Defaults to BN.
        init_cfg (dict, optional): Initialisation config. Defaults to None.

    Shapes:
        - input: ``(N, in_channels, H, W)``.
        - output: logits ``(N, 1, H / 2^num_layers, W / 2^num_layers)``,
          high for real faces.
    """

    def __init__(self,
                 in_channels: int = 3,
                 base_channels: int = 64,
                 num_layers: int = 3,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        act_cfg = dict(type='LeakyReLU', negative_slope=0.2)
        layers = []
        channels = in_channels
        for index in range(num_layers):
            out = base_channels * 2**index
            layers.append(
                ConvModule(
                    channels,
                    out,
                    4,
                    stride=2,
                    padding=1,
                    norm_cfg=norm_cfg if index else None,
                    act_cfg=act_cfg))
            channels = out
        layers.append(nn.Conv2d(channels, 1, 3, padding=1))
        self.layers = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x)
