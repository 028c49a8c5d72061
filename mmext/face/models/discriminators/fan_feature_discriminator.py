from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FANFeatureDiscriminator(BaseModule):
    """The feature-level discriminator of FAN: HR vs adapted LR embedding.

    Its adversarial loss adapts the LR identity encoder's feature
    distribution to the HR one, which needs no paired images
    (`FAN <https://arxiv.org/abs/1911.11680>`_, stage 2). Ours (the paper's
    is not verified): an MLP with LeakyReLU(0.2).

    Args:
        in_channels (int): Embedding size. Defaults to 512.
        hidden_channels (Sequence[int]): Hidden widths. Defaults to
            (256, 256).
        init_cfg (dict, optional): Initialisation config. Defaults to None.

    Shapes:
        - input: ``(N, in_channels)``.
        - output: logits ``(N, )``, high for HR features.
    """

    def __init__(self,
                 in_channels: int = 512,
                 hidden_channels: Sequence[int] = (256, 256),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        layers = []
        channels = in_channels
        for width in hidden_channels:
            layers += [nn.Linear(channels, width), nn.LeakyReLU(0.2)]
            channels = width
        layers.append(nn.Linear(channels, 1))
        self.mlp = nn.Sequential(*layers)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.mlp(x).squeeze(1)
