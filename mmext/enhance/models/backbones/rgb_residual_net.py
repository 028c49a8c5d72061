"""A plain residual CNN on RGB: the same-size baseline of CWAN."""
import torch.nn as nn
from mmengine.model import BaseModule
from torch import Tensor

from mmext.registry import MODELS


@MODELS.register_module()
class RGBResidualNet(BaseModule):
    """``rgb + f(rgb)``, ``f`` a chain of 3x3 convs with ReLUs (ours).

    The baseline CWAN's Lab split is measured against: with the defaults
    (13 convs, the depth of CWAN's colour net; width 62) it has 384,651
    parameters, against CWAN's 384,775 (59,265 + 325,510).

    Args:
        num_convs (int): convolutions, >= 2. Default 13.
        channels (int): feature width. Default 62.
        in_channels (int): Default 3.
        init_cfg (dict, optional): initialisation; default PyTorch's, as
            CWAN's.
    """

    def __init__(self,
                 num_convs: int = 13,
                 channels: int = 62,
                 in_channels: int = 3,
                 init_cfg=None) -> None:
        super().__init__(init_cfg)
        if num_convs < 2:
            raise ValueError(f'RGBResidualNet: num_convs={num_convs} < 2')
        widths = [in_channels] + [channels] * (num_convs - 1) + [in_channels]
        layers = []
        for i in range(num_convs):
            layers.append(nn.Conv2d(widths[i], widths[i + 1], 3, padding=1))
            if i < num_convs - 1:
                layers.append(nn.ReLU(inplace=True))
        self.body = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        """(B, C, H, W) -> (B, C, H, W), on the input's scale."""
        return x + self.body(x)
