"""DBG's dual-stream BaseNet (DSB)."""
from typing import Sequence, Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from torch import Tensor


def _conv1d_relu(in_channels: int, out_channels: int) -> nn.Sequential:
    return nn.Sequential(
        nn.Conv1d(in_channels, out_channels, kernel_size=3, padding=1),
        nn.ReLU(inplace=True))


@MODELS.register_module()
class DualStreamBaseNet(nn.Module):
    """Dual-stream BaseNet (DSB) of DBG.

    The input channels are split into an RGB and a flow stream (the cuhk
    ActivityNet features are 200 RGB + 200 flow channels).  Each stream is two
    temporal convolutions (kernel 3) giving a stream feature, and a 1x1
    convolution plus sigmoid giving that stream's actionness score.  The sum
    of the two stream features is the fused feature, scored by a third 1x1
    convolution.  The final actionness score is the mean of the three scores.

    Args:
        stream_dims (Sequence[int]): Input channels of the RGB and the flow
            stream, in the order they are concatenated. Defaults to
            ``(200, 200)``.
        hidden_dims (Sequence[int]): Output channels of the two temporal
            convolutions of each stream. Defaults to ``(256, 128)``.
    """

    def __init__(
        self,
        stream_dims: Sequence[int] = (200, 200),
        hidden_dims: Sequence[int] = (256, 128)
    ) -> None:
        super().__init__()
        if len(stream_dims) != 2 or len(hidden_dims) != 2:
            raise ValueError('DualStreamBaseNet needs two stream_dims and two '
                             f'hidden_dims, got {stream_dims}, {hidden_dims}')
        self.stream_dims = tuple(stream_dims)
        self.out_channels = hidden_dims[1]
        self.rgb = nn.Sequential(
            _conv1d_relu(stream_dims[0], hidden_dims[0]),
            _conv1d_relu(hidden_dims[0], hidden_dims[1]))
        self.flow = nn.Sequential(
            _conv1d_relu(stream_dims[1], hidden_dims[0]),
            _conv1d_relu(hidden_dims[0], hidden_dims[1]))
        self.rgb_score = nn.Conv1d(hidden_dims[1], 1, kernel_size=1)
        self.flow_score = nn.Conv1d(hidden_dims[1], 1, kernel_size=1)
        self.fused_score = nn.Conv1d(hidden_dims[1], 1, kernel_size=1)

    def forward(self, x: Tensor) -> Tuple[Tensor, Tensor]:
        """Compute the actionness scores and the fused feature.

        Args:
            x (Tensor): Snippet features of shape (B, C_rgb + C_flow, T).

        Returns:
            tuple[Tensor, Tensor]:

            - actionness (Tensor): Scores of the RGB, flow and fused streams,
              shape (B, 3, T), each in (0, 1).
            - fused_feature (Tensor): Sum of the two stream features, shape
              (B, hidden_dims[1], T).
        """
        if x.size(1) != sum(self.stream_dims):
            raise ValueError(f'DualStreamBaseNet expects {self.stream_dims} '
                             f'= {sum(self.stream_dims)} input channels, got '
                             f'{x.size(1)}')
        rgb, flow = torch.split(x, self.stream_dims, dim=1)
        rgb_feature = self.rgb(rgb)
        flow_feature = self.flow(flow)
        fused_feature = rgb_feature + flow_feature
        actionness = torch.sigmoid(
            torch.cat([
                self.rgb_score(rgb_feature),
                self.flow_score(flow_feature),
                self.fused_score(fused_feature)
            ],
                      dim=1))
        return actionness, fused_feature
