from typing import Optional

import torch.nn as nn
from torch import Tensor

from mmaction.models.backbones import ResNetTSM
from mmaction.registry import MODELS
from ..common import TEI


class TEIWrapper(nn.Module):
    """Applies a :class:`TEI` module to the input of the wrapped layer.

    The wrapped layer is kept as ``net``, as mmaction2's ``TemporalShift``
    keeps it, so ``ResNetTSM.load_original_weights`` maps 2D ImageNet
    weights onto it by stripping the ``.net`` prefix.

    Args:
        net (nn.Module): The wrapped layer (the block's first convolution).
        tei (TEI): The TEI module applied before it.
    """

    def __init__(self, net: nn.Module, tei: TEI) -> None:
        super().__init__()
        self.net = net
        self.tei = tei

    def forward(self, x: Tensor) -> Tensor:
        return self.net(self.tei(x))


@MODELS.register_module()
class TEINet(ResNetTSM):
    """ResNet backbone of TEINet.

    Proposed in `TEINet: Towards an Efficient Architecture for Video
    Recognition <https://arxiv.org/abs/1911.09435>`_ (AAAI 2020).  Every
    residual block gets a TEI module (:class:`MEM` then :class:`TIM`) on its
    residual branch, applied to the block input before the first
    convolution; the identity path keeps the raw input.  This placement is
    what gives the paper's 30.4M parameters for TEINet-R50 (MEM on the
    block-input channels with reduction 8); the paper does not spell it
    out.

    It reuses mmaction2's ``ResNetTSM`` with the temporal shift switched
    off: TIM initialised as ``'shift'`` starts as TSM's shift, so an
    untrained TEINet with constant MEM attention is a TSM network.  With
    ``pretrained`` (a torchvision ResNet checkpoint such as
    ``'torchvision://resnet50'`` or a local file) and ``pretrained2d=True``
    the 2D weights load into the wrapped blocks; the TEI modules keep their
    own initialisation.

    Args:
        depth (int): ResNet depth, one of 18, 34, 50, 101, 152.
        num_segments (int): Frames :math:`T` per clip; must match the
            head's ``num_segments``. Defaults to 8.
        mem_cfg (dict, optional): Arguments of :class:`MEM`.
            Defaults to ``dict(reduction=8)``.
        tim_cfg (dict, optional): Arguments of :class:`TIM`.
            Defaults to ``dict(kernel_size=3, init='shift', shift_div=8)``.
        pretrained2d (bool): Load ``pretrained`` as 2D ImageNet weights.
            Ignored without ``pretrained``. Defaults to True.
        **kwargs: Arguments of mmaction2's ``ResNet`` (``pretrained``,
            ``norm_eval``, ``frozen_stages``, ``partial_bn``, ``with_cp``,
            ...).

    Shape:
        - Input: :math:`(N \\cdot T, 3, H, W)`.
        - Output: :math:`(N \\cdot T, C_{out}, H / 32, W / 32)`.
    """

    def __init__(self,
                 depth: int,
                 num_segments: int = 8,
                 mem_cfg: Optional[dict] = None,
                 tim_cfg: Optional[dict] = None,
                 pretrained2d: bool = True,
                 **kwargs) -> None:
        for key in ('is_shift', 'shift_div', 'shift_place', 'non_local',
                    'non_local_cfg', 'temporal_pool'):
            if key in kwargs:
                raise TypeError(f'TEINet does not take {key!r}: TIM replaces '
                                'the temporal shift (see tim_cfg)')
        pretrained2d = pretrained2d and kwargs.get('pretrained') is not None
        super().__init__(
            depth,
            num_segments=num_segments,
            is_shift=False,
            pretrained2d=pretrained2d,
            **kwargs)
        self.mem_cfg = mem_cfg
        self.tim_cfg = tim_cfg
        self.make_tei_modules()

    def make_tei_modules(self) -> None:
        """Wrap the first convolution of every residual block with TEI."""
        for i in range(self.num_stages):
            for block in getattr(self, f'layer{i + 1}'):
                conv = block.conv1.conv
                block.conv1.conv = TEIWrapper(
                    conv,
                    TEI(conv.in_channels, self.num_segments, self.mem_cfg,
                        self.tim_cfg))
