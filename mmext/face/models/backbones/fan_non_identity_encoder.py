from typing import Optional

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FANNonIdentityEncoder(BaseModule):
    """The non-identity encoder of FAN.

    `Feature Adaptation Network for Surveillance Face Recognition and
    Normalization <https://arxiv.org/abs/1911.11680>`_ (ACCV 2020) splits a
    face into an identity feature (the recogniser's embedding) and a
    non-identity code (pose, illumination, expression, background) from
    which, with the identity feature, the decoder renders the face. The
    paper's layers are not verified; ours are a small conv encoder:
    ``num_stages`` stride-2 3x3 convs (BN, LeakyReLU 0.2) doubling the width
    from ``base_channels``, global average pooling and a linear layer.

    Args:
        in_channels (int): Image channels. Defaults to 3.
        base_channels (int): Width of the first stage. Defaults to 32.
        num_stages (int): Stride-2 stages. Defaults to 4.
        code_size (int): Size of the non-identity code. Defaults to 128.
        norm_cfg (dict): Normalisation layers. Defaults to BN.
        act_cfg (dict): Activations. Defaults to LeakyReLU(0.2).
        init_cfg (dict, optional): Initialisation config. Defaults to None.

    Shapes:
        - input: ``(N, in_channels, H, W)``.
        - output: ``(N, code_size)``.
    """

    def __init__(self,
                 in_channels: int = 3,
                 base_channels: int = 32,
                 num_stages: int = 4,
                 code_size: int = 128,
                 norm_cfg: dict = dict(type='BN'),
                 act_cfg: dict = dict(type='LeakyReLU', negative_slope=0.2),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        if num_stages < 1:
            raise ValueError('FANNonIdentityEncoder: num_stages must be >= '
                             f'1, got {num_stages}')
        layers = []
        channels = in_channels
        for stage in range(num_stages):
            out = base_channels * 2**stage
            layers.append(
                ConvModule(
                    channels,
                    out,
                    3,
                    stride=2,
                    padding=1,
                    norm_cfg=norm_cfg,
                    act_cfg=act_cfg))
            channels = out
        self.convs = nn.Sequential(*layers)
        self.fc = nn.Linear(channels, code_size)
        self.code_size = code_size

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc(self.convs(x).mean(dim=(2, 3)))
