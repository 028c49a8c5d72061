from typing import Optional, Sequence

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FANDecoder(BaseModule):
    """The decoder of FAN: a face from an identity feature and a code.

    Renders the *normalised* face of `FAN <https://arxiv.org/abs/1911.11680>`_
    from the concatenation [identity feature f_z, non-identity code f_n]:
    with the HR identity feature it reconstructs the HR face (stage 1),
    with the adapted LR feature it super-resolves / normalises an LR face
    (stage 2). The paper's layers are not verified; ours: a linear layer to
    a ``base_channels x (H / 2^k) x (W / 2^k)`` map, ``k = num_upsamples``
    blocks of nearest x2 upsampling + 3x3 conv (BN, ReLU) halving the width
    (at least 16), and a 3x3 conv with tanh: the image in [-1, 1], the
    range of the recogniser's normalised input.

    Args:
        identity_size (int): Size of the identity feature. Defaults to 512.
        code_size (int): Size of the non-identity code. Defaults to 128.
        out_size (Sequence[int]): ``(H, W)``, divisible by
            ``2^num_upsamples``. Defaults to (112, 112).
        base_channels (int): Width of the first map. Defaults to 256.
        num_upsamples (int): x2 upsampling blocks. Defaults to 4.
        out_channels (int): Image channels. Defaults to 3.
        norm_cfg (dict): Normalisation layers. Defaults to BN.
        init_cfg (dict, optional): Initialisation config. Defaults to None.

    Shapes:
        - identity: ``(N, identity_size)``; code: ``(N, code_size)``.
        - output: ``(N, out_channels, H, W)`` in [-1, 1].
    """

    def __init__(self,
                 identity_size: int = 512,
                 code_size: int = 128,
                 out_size: Sequence[int] = (112, 112),
                 base_channels: int = 256,
                 num_upsamples: int = 4,
                 out_channels: int = 3,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        factor = 2**num_upsamples
        if len(out_size) != 2 or out_size[0] % factor or out_size[1] % factor:
            raise ValueError(f'FANDecoder: out_size {tuple(out_size)} is not '
                             f'(H, W) divisible by 2^num_upsamples = {factor}')
        self.start = (out_size[0] // factor, out_size[1] // factor)
        self.base_channels = base_channels
        self.fc = nn.Linear(identity_size + code_size,
                            base_channels * self.start[0] * self.start[1])
        blocks = []
        channels = base_channels
        for _ in range(num_upsamples):
            out = max(16, channels // 2)
            blocks += [
                nn.Upsample(scale_factor=2, mode='nearest'),
                ConvModule(channels, out, 3, padding=1, norm_cfg=norm_cfg)
            ]
            channels = out
        self.blocks = nn.Sequential(*blocks)
        self.to_image = nn.Conv2d(channels, out_channels, 3, padding=1)

    def forward(self, identity: torch.Tensor,
                code: torch.Tensor) -> torch.Tensor:
        x = self.fc(torch.cat([identity, code], dim=1))
        x = torch.relu(x).view(-1, self.base_channels, *self.start)
        return torch.tanh(self.to_image(self.blocks(x)))
