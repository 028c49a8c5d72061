"""DBG's action-aware completeness regression (ACR) branch."""
import torch.nn as nn
from mmaction.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class ActionAwareCompletenessRegression(nn.Module):
    """Action-aware completeness regression (ACR) of DBG.

    Takes the PFG-sampled actionness score of every proposal, shape
    (B, 1, N, T, T), treats its N sample points as channels, and regresses
    the proposal's completeness (its IoU with the closest ground truth) with
    three 1x1 convolutions: ``N -> hidden -> hidden -> 1``, ReLU and dropout
    between them, sigmoid at the end.

    Args:
        num_samples (int): PFG sample points per proposal N. Defaults to 32.
        hidden_dim (int): Channels of the hidden 1x1 convolutions.
            Defaults to 256.
        dropout (float): Dropout ratio after each hidden convolution.
            Defaults to 0.3.
    """

    def __init__(self,
                 num_samples: int = 32,
                 hidden_dim: int = 256,
                 dropout: float = 0.3) -> None:
        super().__init__()
        self.layers = nn.Sequential(
            nn.Conv2d(num_samples, hidden_dim, kernel_size=1),
            nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Conv2d(hidden_dim, hidden_dim, kernel_size=1),
            nn.ReLU(inplace=True), nn.Dropout(dropout),
            nn.Conv2d(hidden_dim, 1, kernel_size=1), nn.Sigmoid())

    def forward(self, sampled_actionness: Tensor) -> Tensor:
        """Regress the completeness map.

        Args:
            sampled_actionness (Tensor): PFG output on the actionness score,
                shape (B, 1, N, T, T).

        Returns:
            Tensor: Completeness map of shape (B, T, T), indexed
            ``[b, start, end]``.
        """
        return self.layers(sampled_actionness.squeeze(1)).squeeze(1)
