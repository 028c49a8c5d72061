import torch
import torch.nn as nn
from torch import Tensor

from mmaction.registry import MODELS


@MODELS.register_module()
class MEM(nn.Module):
    """Motion Enhanced Module (MEM) of TEINet.

    Proposed in `TEINet: Towards an Efficient Architecture for Video
    Recognition <https://arxiv.org/abs/1911.09435>`_ (AAAI 2020).  MEM is a
    channel attention driven by the difference of adjacent frames: each
    frame's feature map :math:`X_t` is global-average-pooled to
    :math:`\\hat{x}_t \\in R^C`, and

    .. math::

        s_t = W_3 (W_2 \\hat{x}_{t+1} - W_1 \\hat{x}_t), \\quad
        U_t = X_t \\odot \\sigma(s_t), \\quad t = 1, \\dots, T - 1,

    with :math:`W_1, W_2 \\in R^{C/r \\times C}` and
    :math:`W_3 \\in R^{C \\times C/r}` (linear layers with bias).  The last
    frame has no successor and passes through unchanged (:math:`U_T = X_T`).

    Choices the paper leaves open, following the reference TEI module: the
    sigmoid is applied to the final attention :math:`s_t`, separate
    :math:`W_1` and :math:`W_2` (no weight sharing), no normalisation
    layer, reduction :math:`r = 8` on the input channels (which gives the
    paper's 30.4M parameters for TEINet-R50).

    Args:
        in_channels (int): Channels :math:`C` of the input.
        num_segments (int): Frames :math:`T` per clip.
        reduction (int): Channel reduction ratio :math:`r`. Defaults to 8.

    Shape:
        - Input: :math:`(N \\cdot T, C, H, W)`, frames of a clip contiguous.
        - Output: same as the input.
    """

    def __init__(self,
                 in_channels: int,
                 num_segments: int,
                 reduction: int = 8) -> None:
        super().__init__()
        if num_segments < 2:
            raise ValueError('MEM needs num_segments >= 2, '
                             f'got {num_segments}')
        if in_channels % reduction != 0:
            raise ValueError(f'in_channels={in_channels} is not divisible by '
                             f'reduction={reduction}')
        self.in_channels = in_channels
        self.num_segments = num_segments
        self.reduction = reduction
        hidden = in_channels // reduction
        self.fc1 = nn.Linear(in_channels, hidden)  # W_1, applied to frame t
        self.fc2 = nn.Linear(in_channels, hidden)  # W_2, to frame t + 1
        self.fc3 = nn.Linear(hidden, in_channels)  # W_3

    def attention(self, x: Tensor) -> Tensor:
        """Channel attention :math:`\\sigma(s_t)`, 1 for the last frame.

        Args:
            x (Tensor): Features of shape :math:`(N \\cdot T, C, H, W)`.

        Returns:
            Tensor: Attention of shape :math:`(N, T, C)`.
        """
        nt, c = x.shape[:2]
        if nt % self.num_segments != 0:
            raise ValueError(f'batch dimension {nt} is not a multiple of '
                             f'num_segments={self.num_segments}')
        pooled = x.mean(dim=(2, 3)).view(-1, self.num_segments, c)
        diff = self.fc2(pooled[:, 1:]) - self.fc1(pooled[:, :-1])
        attn = torch.sigmoid(self.fc3(diff))
        return torch.cat([attn, attn.new_ones(attn.shape[0], 1, c)], dim=1)

    def forward(self, x: Tensor) -> Tensor:
        """Re-weight the channels of every frame but the last."""
        nt, c = x.shape[:2]
        return x * self.attention(x).view(nt, c, 1, 1)
