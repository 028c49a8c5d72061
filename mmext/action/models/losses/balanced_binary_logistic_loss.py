"""Class-balanced binary logistic loss of BSN, BMN and DBG."""
from typing import Optional

import torch
from torch import Tensor


def balanced_binary_logistic_loss(pred: Tensor,
                                  label: Tensor,
                                  mask: Optional[Tensor] = None,
                                  threshold: float = 0.5,
                                  eps: float = 1e-6) -> Tensor:
    """Binary logistic loss with positives and negatives weighted 50/50.

    With ``M`` entries of which ``P`` are positive (``label > threshold``)
    the loss is ``-mean(c1 * pos * log(pred + eps) + c0 * neg * log(1 - pred
    + eps))`` with ``c1 = 0.5 * M / max(P, 1)`` and ``c0 = 0.5 * M /
    max(M - max(P, 1), 1)``: DBG's coefficients (``ratio = M / max(P, 1)``,
    ``c1 = 0.5 * ratio``, ``c0 = 0.5 * ratio / (ratio - 1)``), which are
    infinite when every entry is positive (``0 * inf = NaN`` in the official
    code) or when a single negative is the only entry; there ``c0`` is 0 or
    0.5.  Unlike mmaction2's ``binary_logistic_regression_loss`` the ratio
    is not clipped to (1.05, 21): DBG's boundary maps have about 2 %
    positives.

    Args:
        pred (Tensor): Predicted probabilities in [0, 1], any shape.
        label (Tensor): Soft labels, same shape as ``pred``.
        mask (Tensor, optional): Entries to use (bool, broadcastable to
            ``pred``); all when None.
        threshold (float): Labels above it are positives. Defaults to 0.5.
        eps (float): Added inside the logarithms. Defaults to 1e-6.

    Returns:
        Tensor: Scalar loss; 0 when the mask selects nothing.
    """
    if pred.shape != label.shape:
        raise ValueError('balanced_binary_logistic_loss: pred and label '
                         f'shapes differ: {tuple(pred.shape)} vs '
                         f'{tuple(label.shape)}')
    if mask is not None:
        mask = mask.expand_as(pred)
        pred, label = pred[mask], label[mask]
    if pred.numel() == 0:
        return pred.sum()
    positive = (label > threshold).to(pred.dtype)
    num_entries = positive.numel()
    num_positive = positive.sum().clamp(min=1)
    coef_pos = 0.5 * num_entries / num_positive
    coef_neg = 0.5 * num_entries / (num_entries - num_positive).clamp(min=1)
    loss = coef_pos * positive * torch.log(pred + eps) + \
        coef_neg * (1 - positive) * torch.log(1 - pred + eps)
    return -loss.mean()
