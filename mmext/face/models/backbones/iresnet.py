import math
from typing import Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import build_norm_layer
from mmengine.model import BaseModule
from mmpretrain.models.backbones.base_backbone import BaseBackbone
from mmpretrain.models.utils import SELayer
from mmpretrain.registry import MODELS


class IBasicBlock(BaseModule):
    """Improved residual unit of IResNet (optionally with SE, "IR-SE").

    Residual branch: BN - Conv3x3 - BN - PReLU - Conv3x3(stride) - BN
    (- SE); the shortcut is the identity, or Conv1x1(stride) - BN when the
    shape changes. Unlike the original ResNet block there is no activation
    after the addition.

    Args:
        in_channels (int): Input channels.
        out_channels (int): Output channels.
        stride (int): Stride of the second convolution. Defaults to 1.
        with_se (bool): Append a squeeze-and-excitation layer (reduction
            16) to the residual branch. Defaults to False.
        norm_cfg (dict): Config of the normalisation layers.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict, optional): The config to control the initialization.
            Defaults to None.

    Shapes:
        - input: ``(N, in_channels, H, W)``.
        - output: ``(N, out_channels, ceil(H / stride), ceil(W / stride))``.
    """

    def __init__(self,
                 in_channels: int,
                 out_channels: int,
                 stride: int = 1,
                 with_se: bool = False,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        self.bn1 = build_norm_layer(norm_cfg, in_channels)[1]
        self.conv1 = nn.Conv2d(
            in_channels, out_channels, 3, padding=1, bias=False)
        self.bn2 = build_norm_layer(norm_cfg, out_channels)[1]
        self.prelu = nn.PReLU(out_channels)
        self.conv2 = nn.Conv2d(
            out_channels, out_channels, 3, stride, padding=1, bias=False)
        self.bn3 = build_norm_layer(norm_cfg, out_channels)[1]
        self.se = SELayer(
            out_channels, ratio=16, divisor=1, bias=False) if with_se else None
        if stride != 1 or in_channels != out_channels:
            self.downsample = nn.Sequential(
                nn.Conv2d(in_channels, out_channels, 1, stride, bias=False),
                build_norm_layer(norm_cfg, out_channels)[1])
        else:
            self.downsample = None

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = self.bn3(
            self.conv2(self.prelu(self.bn2(self.conv1(self.bn1(x))))))
        if self.se is not None:
            out = self.se(out)
        identity = x if self.downsample is None else self.downsample(x)
        return out + identity


@MODELS.register_module()
class IResNet(BaseBackbone):
    """IResNet ("improved ResNet", IR / IR-SE) for face recognition.

    The backbone of ArcFace (insightface ``arcface_torch``) and CurricularFace
    (``IR_*`` / ``IR_SE_*`` of the official code): a stride-1 Conv3x3 stem
    with PReLU, four stages of :class:`IBasicBlock` that each halve the
    resolution, and the "BN-Dropout-FC-BN" output layer that maps the last
    feature map to the face embedding (512-d for 112x112 faces, whose last
    feature map is 7x7).

    The unit layout follows ``arcface_torch``: a BN between the first
    convolution and the PReLU, and a Conv1x1-BN shortcut in the first unit
    of every stage. The embedding BN keeps its scale fixed at 1 and learns
    only the shift, as in ``arcface_torch`` (the official CurricularFace
    code uses an embedding BN without affine parameters).

    Args:
        depth (int): Depth, one of 18, 34, 50, 100, 152, 200 (units per
            stage: 2-2-2-2, 3-4-6-3, 3-4-14-3, 3-13-30-3, 3-8-36-3,
            6-26-60-6).
        with_se (bool): IR-SE variant (SE in every unit). Defaults to False.
        in_channels (int): Input image channels. Defaults to 3.
        base_channels (int): Channels of the stem and the first stage; the
            stages have 1x, 2x, 4x, 8x this. Defaults to 64.
        embedding_size (int): Dimension of the embedding. Defaults to 512.
        input_size (Sequence[int]): Input ``(H, W)``; it fixes the size of
            the fully connected layer. Defaults to ``(112, 112)``.
        dropout (float): Dropout probability before the fully connected
            layer (0.4 in the official CurricularFace code, 0 in
            ``arcface_torch``). Defaults to 0.
        out_indices (Sequence[int]): Outputs to return: 0-3 are the stage
            feature maps, 4 is the embedding. Defaults to ``(4, )``.
        norm_cfg (dict): Config of the normalisation layers.
            Defaults to ``dict(type='BN')``.
        init_cfg (dict | list[dict], optional): The config to control the
            initialization. Defaults to Kaiming for convolutions and the
            fully connected layer, constant 1/0 for the norm layers.

    Shapes:
        - input: ``(N, in_channels, H, W)``, RGB in [-1, 1] by convention.
        - stage ``i`` output: ``(N, base_channels * 2**i, H / 2**(i+1),
          W / 2**(i+1))`` (rounded up).
        - embedding: ``(N, embedding_size)``.
    """

    arch_settings = {
        18: (2, 2, 2, 2),
        34: (3, 4, 6, 3),
        50: (3, 4, 14, 3),
        100: (3, 13, 30, 3),
        152: (3, 8, 36, 3),
        200: (6, 26, 60, 6),
    }

    def __init__(self,
                 depth: int,
                 with_se: bool = False,
                 in_channels: int = 3,
                 base_channels: int = 64,
                 embedding_size: int = 512,
                 input_size: Sequence[int] = (112, 112),
                 dropout: float = 0.,
                 out_indices: Sequence[int] = (4, ),
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[dict] = [
                     dict(
                         type='Kaiming',
                         layer=['Conv2d', 'Linear'],
                         mode='fan_out'),
                     dict(type='Constant', val=1, layer=['_BatchNorm'])
                 ]):
        super().__init__(init_cfg=init_cfg)
        if depth not in self.arch_settings:
            raise KeyError(f'invalid depth {depth} for IResNet, choose from '
                           f'{sorted(self.arch_settings)}')
        for index in out_indices:
            if not 0 <= index <= 4:
                raise ValueError(
                    f'out_indices must be in 0-4 (4 is the embedding), got '
                    f'{out_indices}')
        self.depth = depth
        self.out_indices = tuple(out_indices)

        self.stem = nn.Sequential(
            nn.Conv2d(in_channels, base_channels, 3, padding=1, bias=False),
            build_norm_layer(norm_cfg, base_channels)[1],
            nn.PReLU(base_channels))
        self.stages = nn.ModuleList()
        channels = base_channels
        for i, num_units in enumerate(self.arch_settings[depth]):
            out_channels = base_channels * 2**i
            units = [
                IBasicBlock(
                    channels if j == 0 else out_channels,
                    out_channels,
                    stride=2 if j == 0 else 1,
                    with_se=with_se,
                    norm_cfg=norm_cfg) for j in range(num_units)
            ]
            self.stages.append(nn.Sequential(*units))
            channels = out_channels

        height, width = (math.ceil(s / 16) for s in input_size)
        self.output_bn = build_norm_layer(norm_cfg, channels)[1]
        self.dropout = nn.Dropout(p=dropout)
        self.fc = nn.Linear(channels * height * width, embedding_size)
        self.features = nn.BatchNorm1d(embedding_size)
        # The scale stays 1 (every init above also sets BN scales to 1).
        self.features.weight.requires_grad_(False)

    def forward(self, x: torch.Tensor) -> Tuple[torch.Tensor, ...]:
        outs = []
        x = self.stem(x)
        for i, stage in enumerate(self.stages):
            x = stage(x)
            if i in self.out_indices:
                outs.append(x)
        if 4 in self.out_indices:
            x = self.dropout(torch.flatten(self.output_bn(x), 1))
            outs.append(self.features(self.fc(x)))
        return tuple(outs)
