"""CWAN_AB, the two-stage colour sub-network, with the released graph."""
from typing import Dict

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from torch import Tensor

from mmext.registry import MODELS


def _conv(cin: int, cout: int, k: int = 3) -> nn.Conv2d:
    return nn.Conv2d(cin, cout, k, padding=k // 2)


def _chain(widths, kernels) -> nn.Sequential:
    """Convs ``widths[i] -> widths[i + 1]`` with a ReLU between every two
    (none after the last)."""
    layers = []
    for i, k in enumerate(kernels):
        layers.append(_conv(widths[i], widths[i + 1], k))
        if i < len(kernels) - 1:
            layers.append(nn.ReLU(inplace=True))
    return nn.Sequential(*layers)


@MODELS.register_module()
class CWANColorNet(BaseModule):
    """CWAN's colour network ``CWAN_AB`` (Atoum et al., CVPRW 2020).

    The layer graph decoded from the released ``CWAN_AB.mat`` (325,510
    parameters), stride 1, zero 'same' padding, no normalisation:

    - stage 1: 3x3 2 -> 32, 3x3 32 -> 64, 1x1 64 -> 128, 3x3 128 -> 64,
      3x3 64 -> 2 (ReLUs between);
    - its output is concatenated *after* the input a*, b*:
      ``[ab_in, stage1]``, 4 channels;
    - stage 2: 3x3 4 -> 32, 3x3 32 -> 64, 1x1 64 -> 128, 3x3 128 -> 64,
      3x3 64 -> 64, 1x1 64 -> 128, 3x3 128 -> 64, 3x3 64 -> 4.

    Output channels 0:2 are the enhanced a*, b* (the official ``CWAN.m``
    reads channels 1:2).  Channels 2:4 are not explained by the release;
    ours: the colour-attention prediction, supervised by
    :class:`~mmext.enhance.models.CWANLoss` only in GT-colourful regions
    (switched off by its ``attention_weight=0``).

    Args:
        init_cfg (dict, optional): initialisation; default PyTorch's conv
            init (ours: the release's is unknown).
    """

    def __init__(self, init_cfg=None) -> None:
        super().__init__(init_cfg)
        self.stage1 = _chain((2, 32, 64, 128, 64, 2), (3, 3, 1, 3, 3))
        self.stage2 = _chain((4, 32, 64, 128, 64, 64, 128, 64, 4),
                             (3, 3, 1, 3, 3, 1, 3, 3))

    def forward(self, ab: Tensor) -> Dict[str, Tensor]:
        """Enhance the colour.

        Args:
            ab (Tensor): (B, 2, H, W) raw Lab a*, b* of the low-light image.

        Returns:
            dict: ``out`` (B, 4, H, W): enhanced a*, b* (0:2) and the
            attention prediction (2:4); ``stage1`` (B, 2, H, W).
        """
        if ab.dim() != 4 or ab.shape[1] != 2:
            raise ValueError('CWANColorNet: expected (B, 2, H, W), got '
                             f'{tuple(ab.shape)}')
        stage1 = self.stage1(ab)
        out = self.stage2(torch.cat([ab, stage1], 1))
        return dict(out=out, stage1=stage1)
