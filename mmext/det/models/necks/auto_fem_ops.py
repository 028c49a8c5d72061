"""Candidate operations of the Auto-FEM search space (ASFD).

The operations follow ``operations.py`` of the authors' public DSFDv2 code
(swordlidev/lightDSFD, ``DSFDv2_r18``), "BN" form used when a searched
architecture is retrained: ReLU first, then a depthwise k x k convolution
(possibly dilated), a pointwise 1x1 convolution and BatchNorm. This is a
single separable block, not the doubled separable block of DARTS.

``FPN_PRIMITIVES`` is the 6-op set searched for the feature-pyramid fusion
edges (the public ``BiFPN_PRIMITIVES``). ``CPM_PRIMITIVES`` adds the
RFE-style factorised convolutions that the public ``OPS`` table also defines
for the context-enhancement half; which ops the paper searched there is not
released, so this set is our choice.
"""
from typing import Callable, Dict, Optional, Tuple

import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from torch import Tensor

FPN_PRIMITIVES: Tuple[str,
                      ...] = ('conv_1x1', 'sep_conv_3x3', 'sep_conv_5x5',
                              'dil_conv_3x3', 'dil_conv_3x3_3', 'dil_conv_5x5')
CPM_PRIMITIVES: Tuple[str,
                      ...] = FPN_PRIMITIVES + ('conv_1x3_3x1', 'conv_1x5_5x1')


class ReLUConvBN(BaseModule):
    """ReLU -> (depthwise k x k, dilation d) -> pointwise 1x1 -> BN.

    With ``kernel_size=1`` the depthwise step is skipped (``conv_1x1``).

    Args:
        channels (int): Input and output channels C.
        kernel_size (int): Depthwise kernel size k.
        dilation (int): Depthwise dilation d. Defaults to 1.
        norm_cfg (dict): Norm layer config. Defaults to BN.
    """

    def __init__(self,
                 channels: int,
                 kernel_size: int,
                 dilation: int = 1,
                 norm_cfg: Optional[dict] = None) -> None:
        super().__init__()
        layers = [nn.ReLU(inplace=False)]
        if kernel_size > 1:
            padding = dilation * (kernel_size - 1) // 2
            layers.append(
                nn.Conv2d(
                    channels,
                    channels,
                    kernel_size,
                    padding=padding,
                    dilation=dilation,
                    groups=channels,
                    bias=False))
        layers.append(nn.Conv2d(channels, channels, 1, bias=False))
        layers.append(_norm(norm_cfg, channels))
        self.op = nn.Sequential(*layers)

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C, H, W)."""
        return self.op(x)


class FactorizedConv(BaseModule):
    """ReLU -> 1 x k conv -> k x 1 conv -> BN (``conv_1xk_kx1``, RFE style).

    Args:
        channels (int): Input and output channels C.
        kernel_size (int): k.
        norm_cfg (dict): Norm layer config. Defaults to BN.
    """

    def __init__(self,
                 channels: int,
                 kernel_size: int,
                 norm_cfg: Optional[dict] = None) -> None:
        super().__init__()
        pad = (kernel_size - 1) // 2
        self.op = nn.Sequential(
            nn.ReLU(inplace=False),
            nn.Conv2d(
                channels,
                channels, (1, kernel_size),
                padding=(0, pad),
                bias=False),
            nn.Conv2d(
                channels,
                channels, (kernel_size, 1),
                padding=(pad, 0),
                bias=False), _norm(norm_cfg, channels))

    def forward(self, x: Tensor) -> Tensor:
        """(N, C, H, W) -> (N, C, H, W)."""
        return self.op(x)


def _norm(norm_cfg: Optional[dict], channels: int) -> nn.Module:
    return build_norm_layer(norm_cfg or dict(type='BN'), channels)[1]


OPS: Dict[str, Callable[[int, Optional[dict]], nn.Module]] = {
    'conv_1x1': lambda c, n: ReLUConvBN(c, 1, 1, n),
    'sep_conv_3x3': lambda c, n: ReLUConvBN(c, 3, 1, n),
    'sep_conv_5x5': lambda c, n: ReLUConvBN(c, 5, 1, n),
    'dil_conv_3x3': lambda c, n: ReLUConvBN(c, 3, 2, n),
    'dil_conv_3x3_3': lambda c, n: ReLUConvBN(c, 3, 3, n),
    'dil_conv_5x5': lambda c, n: ReLUConvBN(c, 5, 2, n),
    'conv_1x3_3x1': lambda c, n: FactorizedConv(c, 3, n),
    'conv_1x5_5x1': lambda c, n: FactorizedConv(c, 5, n),
}


def build_op(name: str,
             channels: int,
             norm_cfg: Optional[dict] = None) -> nn.Module:
    """Build the candidate operation ``name`` on ``channels`` channels.

    Raises:
        KeyError: if ``name`` is not a known operation.
    """
    if name not in OPS:
        raise KeyError(f'unknown Auto-FEM operation {name!r}; known: '
                       f'{sorted(OPS)}')
    return OPS[name](channels, norm_cfg)
