"""RANet's feature pyramid stem (FPS)."""
from typing import Optional

import torch
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class FeaturePyramidStem(BaseModule):
    """Stem that learns multi-scale low-level features (RANet's FPS).

    RANet (arXiv 1905.00996) replaces the plain stem of the backbone with a
    "feature pyramid stem" to learn stronger low-level features in the
    early stage.  The paper's layer details are not public; this builds a
    three-level pyramid of 3x3 convolutions at strides 2, 4 and 8 and fuses
    it at stride 4, top-down (the stride-8 level upsampled) and bottom-up
    (the stride-2 level by a strided 3x3 convolution), so the early
    features see both fine edges and a larger context::

        x -> P2 (s2) -> P4 (s4) -> P8 (s8)
        out = Conv3x3(Conv1x1(cat[down(P2), P4, up(P8)]))   # stride 4

    Every conv is followed by BN and ReLU, except the last (conv + BN):
    the ReLU of the backbone stem that FPS replaces follows it.

    The output has the stride (4) and the width of the stem it replaces:
    ResNet's 7x7 conv + max-pool, HRNet's two stride-2 3x3 convs.

    Args:
        in_channels (int): Input channels. Defaults to 3.
        out_channels (int): Output channels (the backbone's stem width).
            Defaults to 64.
        mid_channels (int, optional): Width of the pyramid levels. Defaults
            to ``out_channels // 2``.
        conv_cfg (dict, optional): Convolution config.
        norm_cfg (dict): Normalisation config. Defaults to BN.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 in_channels: int = 3,
                 out_channels: int = 64,
                 mid_channels: Optional[int] = None,
                 conv_cfg: Optional[dict] = None,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        mid = mid_channels or out_channels // 2
        self.in_channels = in_channels
        self.out_channels = out_channels

        def conv(cin, cout, kernel, stride=1, act_cfg=dict(type='ReLU')):
            return ConvModule(
                cin,
                cout,
                kernel,
                stride=stride,
                padding=kernel // 2,
                conv_cfg=conv_cfg,
                norm_cfg=norm_cfg,
                act_cfg=act_cfg)

        self.level2 = conv(in_channels, mid, 3, 2)
        self.level4 = conv(mid, mid, 3, 2)
        self.level8 = conv(mid, mid, 3, 2)
        self.down2 = conv(mid, mid, 3, 2)
        self.fuse = conv(3 * mid, out_channels, 1)
        # no activation: the backbone's stem ReLU follows
        self.out = conv(out_channels, out_channels, 3, act_cfg=None)

    def forward(self, x: Tensor) -> Tensor:
        """Forward.

        Args:
            x (Tensor): (B, in_channels, H, W) images.

        Returns:
            Tensor: (B, out_channels, ceil(H / 4), ceil(W / 4)) features,
            before the activation.
        """
        p2 = self.level2(x)
        p4 = self.level4(p2)
        p8 = self.level8(p4)
        up8 = F.interpolate(
            p8, size=p4.shape[2:], mode='bilinear', align_corners=False)
        fused = self.fuse(torch.cat([self.down2(p2), p4, up8], dim=1))
        return self.out(fused)
