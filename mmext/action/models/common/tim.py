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
    kernel of size :math:`k` (zero padding, no bias).

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
        self.init = init
        self.shift_div = shift_div
        # A (k, 1) kernel over the (T, H*W) layout: a 1-D conv along time.
        self.conv = nn.Conv2d(
            in_channels,
            in_channels,
            kernel_size=(kernel_size, 1),
            padding=(kernel_size // 2, 0),
            groups=in_channels,
            bias=False)
        self.init_weights()

    def init_weights(self) -> None:
        """Set the kernel according to ``self.init``."""
        if self.init == 'random':
            self.conv.reset_parameters()
            return
        weight = self.conv.weight.data  # (C, 1, k, 1)
        weight.zero_()
        centre = weight.shape[2] // 2
        fold = self.in_channels // self.shift_div if self.init == 'shift' \
            else 0
        weight[:fold, 0, centre + 1] = 1  # takes frame t + 1
        weight[fold:2 * fold, 0, centre - 1] = 1  # takes frame t - 1
        weight[2 * fold:, 0, centre] = 1

    def forward(self, x: Tensor) -> Tensor:
        nt, c, h, w = x.shape
        if nt % self.num_segments != 0:
            raise ValueError(f'batch dimension {nt} is not a multiple of '
                             f'num_segments={self.num_segments}')
        # (N*T, C, H, W) -> (N, C, T, H*W)
        out = x.view(-1, self.num_segments, c, h * w).transpose(1, 2)
        out = self.conv(out)
        return out.transpose(1, 2).reshape(nt, c, h, w)
