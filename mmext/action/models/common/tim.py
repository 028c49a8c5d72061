from typing import Optional

import torch.nn as nn
from torch import Tensor

from mmaction.registry import MODELS


@MODELS.register_module()
class TIM(nn.Module):
    """Temporal Interaction Module (TIM) of TEINet.

    Proposed in `TEINet: Towards an Efficient Architecture for Video
    Recognition <https://arxiv.org/abs/1911.09435>`_ (AAAI 2020).  TIM is a
    channel-wise (depthwise) temporal convolution: every channel of every
    spatial position is convolved over the :math:`T` frames with its own
    kernel of size :math:`k` (zero padding, no bias): the ``nn.Conv1d(C, C,
    k, padding=k // 2, groups=C, bias=False)`` kept as ``self.conv``,
    applied along time.

    Initialisations (``init``):

    - ``'shift'``: the TSM temporal shift.  The first :math:`C/d` channels
      take frame :math:`t + 1`, the next :math:`C/d` frame :math:`t - 1`,
      the others frame :math:`t` (:math:`d` = ``shift_div``), so that an
      untrained TIM equals mmaction2's ``TemporalShift.shift`` exactly.
    - ``'identity'``: every channel takes frame :math:`t` (TSN behaviour).
    - ``'random'``: PyTorch's default (Kaiming-uniform) initialisation.

    Args:
        in_channels (int): Channels :math:`C`.
        num_segments (int): Frames :math:`T` per clip.
        kernel_size (int): Temporal kernel size :math:`k` (odd).
            Defaults to 3.
        init (str): ``'shift'``, ``'identity'`` or ``'random'``.
            Defaults to ``'shift'``.
        shift_div (int): Channel fraction :math:`1/d` shifted each way by
            the ``'shift'`` initialisation. Defaults to 8.

    Shape:
        - Input: :math:`(N \\cdot T, C, H, W)`, frames of a clip contiguous.
        - Output: same as the input.
    """

    INITS = ('shift', 'identity', 'random')

    def __init__(self,
                 in_channels: int,
                 num_segments: int,
                 kernel_size: int = 3,
                 init: str = 'shift',
                 shift_div: int = 8) -> None:
        super().__init__()
        if init not in self.INITS:
            raise ValueError(f'init={init!r} is not one of {self.INITS}')
        if kernel_size % 2 != 1:
            raise ValueError(f'kernel_size must be odd, got {kernel_size}')
        self.in_channels = in_channels
        self.num_segments = num_segments
        self.kernel_size = kernel_size
        self.init = init
        self.shift_div = shift_div
        # The kernel lives in a Conv1d so that optimizer constructors (e.g.
        # TSMOptimWrapperConstructor) and init configs treat it as a conv;
        # weight[c, 0, j] multiplies frame t + j - kernel_size // 2.
        self.conv = nn.Conv1d(
            in_channels,
            in_channels,
            kernel_size,
            padding=kernel_size // 2,
            groups=in_channels,
            bias=False)
        self.init_weights()

    def init_weights(self) -> None:
        """Set the kernel according to ``self.init``."""
        if self.init == 'random':
            self.conv.reset_parameters()
            return
        weight = self.conv.weight.data[:, 0]  # (C, k)
        weight.zero_()
        centre = self.kernel_size // 2
        fold = self.in_channels // self.shift_div if self.init == 'shift' \
            else 0
        weight[:fold, centre + 1] = 1  # takes frame t + 1
        weight[fold:2 * fold, centre - 1] = 1  # takes frame t - 1
        weight[2 * fold:, centre] = 1

    def forward(self, x: Tensor, scale: Optional[Tensor] = None) -> Tensor:
        """Temporal convolution, optionally of ``x`` scaled per frame.

        Equal to ``self.conv`` applied along time, but computed as a sum of
        temporally shifted copies, which needs no transposed copy of the
        feature map.

        Args:
            x (Tensor): Features of shape :math:`(N \\cdot T, C, H, W)`.
            scale (Tensor, optional): Per-frame channel scale of shape
                :math:`(N, T, C)`; the result equals ``TIM(x * scale)``
                (how :class:`TEI` applies MEM's attention without another
                pass over the feature map).

        Returns:
            Tensor: Shape :math:`(N \\cdot T, C, H, W)`.
        """
        nt, c, h, w = x.shape
        if nt % self.num_segments != 0:
            raise ValueError(f'batch dimension {nt} is not a multiple of '
                             f'num_segments={self.num_segments}')
        x = x.view(-1, self.num_segments, c, h * w)
        centre = self.kernel_size // 2
        coef = self.conv.weight[:, 0].t().unsqueeze(-1)  # (k, C, 1)
        if scale is not None:
            # (N, T, 1, C, 1) * (k, C, 1) -> (N, T, k, C, 1)
            coef = scale.unsqueeze(2).unsqueeze(-1) * coef
            tap = lambda j, frames: coef[:, frames, j]  # noqa: E731
        else:
            tap = lambda j, frames: coef[j]  # noqa: E731
        out = x * tap(centre, slice(None))
        for j in range(self.kernel_size):
            d = j - centre  # output frame t reads input frame t + d
            if d > 0:
                out[:, :-d] += x[:, d:] * tap(j, slice(d, None))
            elif d < 0:
                out[:, -d:] += x[:, :d] * tap(j, slice(None, d))
        return out.view(nt, c, h, w)
