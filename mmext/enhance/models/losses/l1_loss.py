"""Pixel-wise L1 loss."""
import torch
import torch.nn as nn
from torch import Tensor

from mmext.registry import MODELS


@MODELS.register_module()
class L1Loss(nn.Module):
    """Mean absolute error, the pixel loss of the RGB baseline.

    Args:
        loss_weight (float): Default 1.
    """

    def __init__(self, loss_weight: float = 1.) -> None:
        super().__init__()
        self.loss_weight = loss_weight

    def forward(self, pred: Tensor, target: Tensor) -> Tensor:
        """(B, C, H, W) each -> scalar."""
        return self.loss_weight * torch.mean((pred - target).abs())
