import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS


@MODELS.register_module()
class FANAdversarialLoss(nn.Module):
    """GAN loss of FAN's image and feature discriminators.

    ``mode='nonsaturating'``: ``softplus(-x)`` for a target labelled real,
    ``softplus(x)`` for fake (binary cross entropy on logits, the
    generator maximising ``log D``); ``mode='lsgan'``: ``(x - 1)^2`` and
    ``x^2`` (least squares). Means over all logits, times ``loss_weight``.
    The paper's GAN loss is not verified; the non-saturating one is our
    default.

    Args:
        mode (str): ``'nonsaturating'`` or ``'lsgan'``.
            Defaults to ``'nonsaturating'``.
        loss_weight (float): Defaults to 1.
    """

    def __init__(self, mode: str = 'nonsaturating', loss_weight: float = 1.):
        super().__init__()
        if mode not in ('nonsaturating', 'lsgan'):
            raise ValueError("FANAdversarialLoss: mode must be "
                             f"'nonsaturating' or 'lsgan', got {mode!r}")
        self.mode = mode
        self.loss_weight = loss_weight

    def forward(self, logits: torch.Tensor,
                target_is_real: bool) -> torch.Tensor:
        """The loss of discriminator logits against a real or fake target.

        Args:
            logits (torch.Tensor): Any shape.
            target_is_real (bool): Whether the target label is real.

        Returns:
            torch.Tensor: A scalar.
        """
        logits = logits.float()
        if self.mode == 'nonsaturating':
            loss = F.softplus(-logits if target_is_real else logits)
        else:
            loss = (logits - 1).pow(2) if target_is_real else logits.pow(2)
        return self.loss_weight * loss.mean()
