from typing import Optional

import torch.nn as nn
from torch import Tensor

from mmaction.registry import MODELS
from .mem import MEM
from .tim import TIM


@MODELS.register_module()
class TEI(nn.Module):
    """Temporal Enhancement-and-Interaction (TEI) module: MEM then TIM.

    Proposed in `TEINet: Towards an Efficient Architecture for Video
    Recognition <https://arxiv.org/abs/1911.09435>`_ (AAAI 2020): the motion
    enhanced module (:class:`MEM`) re-weights channels by adjacent-frame
    differences, then the temporal interaction module (:class:`TIM`) mixes
    each channel over neighbouring frames.

    Args:
        in_channels (int): Channels :math:`C` of the input.
        num_segments (int): Frames :math:`T` per clip.
        mem_cfg (dict, optional): Extra arguments of :class:`MEM`
            (``reduction``). Defaults to ``dict(reduction=8)``.
        tim_cfg (dict, optional): Extra arguments of :class:`TIM`
            (``kernel_size``, ``init``, ``shift_div``). Defaults to
            ``dict(kernel_size=3, init='shift', shift_div=8)``.

    Shape:
        - Input: :math:`(N \\cdot T, C, H, W)`.
        - Output: same as the input.
    """

    def __init__(self,
                 in_channels: int,
                 num_segments: int,
                 mem_cfg: Optional[dict] = None,
                 tim_cfg: Optional[dict] = None) -> None:
        super().__init__()
        mem_cfg = dict(reduction=8) if mem_cfg is None else dict(mem_cfg)
        tim_cfg = dict(kernel_size=3, init='shift', shift_div=8) \
            if tim_cfg is None else dict(tim_cfg)
        self.mem = MEM(in_channels, num_segments, **mem_cfg)
        self.tim = TIM(in_channels, num_segments, **tim_cfg)

    def forward(self, x: Tensor) -> Tensor:
        """``TIM(MEM(x))``, with MEM's attention folded into TIM's taps."""
        return self.tim(x, scale=self.mem.attention(x))
