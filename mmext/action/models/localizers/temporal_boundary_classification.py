"""DBG's temporal boundary classification (TBC) branch."""
from typing import Tuple

import torch.nn as nn
from mmaction.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class TemporalBoundaryClassification(nn.Module):
    """Temporal boundary classification (TBC) of DBG.

    Takes the PFG-sampled fused DSB feature of every proposal, shape
    (B, C, N, T, T), fuses its N sample points with a (N, 1, 1) 3D
    convolution, then classifies the proposal's starting and ending
    boundaries with three 1x1 convolutions: ``hidden_3d -> hidden_2d ->
    hidden_2d -> 2``, ReLU and dropout between them, sigmoid at the end.

    Args:
        in_channels (int): Channels C of the fused DSB feature.
            Defaults to 128.
        num_samples (int): PFG sample points per proposal N. Defaults to 32.
        hidden_dim_3d (int): Output channels of the 3D convolution.
            Defaults to 512.
        hidden_dim_2d (int): Channels of the hidden 1x1 convolutions.
            Defaults to 256.
        dropout (float): Dropout ratio after each hidden 1x1 convolution.
            Defaults to 0.3.
        conv3d_relu (bool): Apply ReLU after the 3D convolution.  The official
            TensorFlow model does (AUC 68.37 with its released weights); the
            official PyTorch model does not (68.26). Defaults to True.
    """

    def __init__(self,
                 in_channels: int = 128,
                 num_samples: int = 32,
                 hidden_dim_3d: int = 512,
                 hidden_dim_2d: int = 256,
                 dropout: float = 0.3,
                 conv3d_relu: bool = True) -> None:
        super().__init__()
        self.conv3d = nn.Conv3d(
            in_channels, hidden_dim_3d, kernel_size=(num_samples, 1, 1))
        self.conv3d_act = nn.ReLU(inplace=True) if conv3d_relu else \
            nn.Identity()
        self.layers = nn.Sequential(
            nn.Conv2d(hidden_dim_3d, hidden_dim_2d, kernel_size=1),
            nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Conv2d(hidden_dim_2d, hidden_dim_2d, kernel_size=1),
            nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Conv2d(hidden_dim_2d, 2, kernel_size=1), nn.Sigmoid())

    def forward(self, sampled_feature: Tensor) -> Tuple[Tensor, Tensor]:
        """Classify the starting and ending boundary of every proposal.

        Args:
            sampled_feature (Tensor): PFG output on the fused DSB feature,
                shape (B, C, N, T, T).

        Returns:
            tuple[Tensor, Tensor]: Starting and ending boundary probability
            maps, each of shape (B, T, T), indexed ``[b, start, end]``.
        """
        x = self.conv3d_act(self.conv3d(sampled_feature).squeeze(2))
        start, end = self.layers(x).unbind(1)
        return start, end
