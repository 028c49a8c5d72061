"""DRMC loss of ASFD: Distance-based Regression and Margin-based
Classification."""
import math
from typing import Dict, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmdet.registry import MODELS
from torch import Tensor


@MODELS.register_module()
class DRMCLoss(nn.Module):
    """DRMC loss (ASFD, arXiv 2003.11228).

    - Distance-based regression: mmdet's ``DIoULoss`` (1 - IoU + rho^2/c^2)
      on decoded boxes; the public DSFDv2 code offers giou/diou/ciou and the
      paper's "distance-based" term is DIoU. ``loss_bbox`` may name any mmdet
      box loss.
    - Margin-based classification: softmax cross entropy over
      (face, background) logits where the face logit z_f of every positive
      anchor gets a margin before the softmax:

      * ``'cosface'``: ``z_f -> z_f - m`` (an additive margin on the raw
        logit, the public code's ``cosface``);
      * ``'arcface'``: the logits are L2-normalised into cosines and
        ``cos(theta_f) -> cos(theta_f + m)``;
      * ``'none'``: plain softmax cross entropy.

      All logits are then multiplied by the scale s (the public
      ``*_scale`` variants are s != 1). Negatives get no margin. Defaults
      ``m = 0.2, s = 1`` are the public config's ``margin_loss_m`` /
      ``margin_loss_s``; the paper's final values are not public.

    Labels follow mmdet's softmax heads: 0 .. K-1 foreground, K background,
    so the logits are ordered (face, background).

    Args:
        margin_type (str): 'cosface', 'arcface' or 'none'.
        margin (float): m. Defaults to 0.2.
        scale (float): s. Defaults to 1.0.
        loss_cls_weight (float): Weight of the classification term.
        loss_bbox (dict): Config of the regression loss. Defaults to
            ``DIoULoss`` with weight 1.
    """

    def __init__(self,
                 margin_type: str = 'cosface',
                 margin: float = 0.2,
                 scale: float = 1.0,
                 loss_cls_weight: float = 1.0,
                 loss_bbox: Optional[dict] = None) -> None:
        super().__init__()
        if margin_type not in ('cosface', 'arcface', 'none'):
            raise ValueError(f'DRMCLoss.margin_type must be cosface, arcface '
                             f'or none, got {margin_type!r}')
        self.margin_type = margin_type
        self.margin = margin
        self.scale = scale
        self.loss_cls_weight = loss_cls_weight
        self.loss_bbox = MODELS.build(
            loss_bbox or dict(type='DIoULoss', loss_weight=1.0))

    def margin_logits(self, cls_score: Tensor, labels: Tensor) -> Tensor:
        """Logits with the margin on the positives' target logit.

        Args:
            cls_score (Tensor): (N, K + 1) logits, background last.
            labels (Tensor): (N,) labels in [0, K].

        Returns:
            Tensor: (N, K + 1) scaled, margin-adjusted logits.
        """
        num_classes = cls_score.shape[1] - 1
        positive = labels < num_classes
        onehot = F.one_hot(labels, num_classes + 1).bool() & positive[:, None]
        if self.margin_type == 'cosface':
            logits = cls_score - self.margin * onehot
        elif self.margin_type == 'arcface':
            cos = F.normalize(cls_score, dim=1).clamp(-1 + 1e-7, 1 - 1e-7)
            # cos(theta + m); past theta + m > pi ArcFace's fallback
            # cos(theta) - m sin(pi - m) keeps the logit decreasing
            target = torch.cos(torch.acos(cos) + self.margin)
            fallback = cos - math.sin(math.pi - self.margin) * self.margin
            target = torch.where(cos > math.cos(math.pi - self.margin), target,
                                 fallback)
            logits = torch.where(onehot, target, cos)
        else:
            logits = cls_score
        return self.scale * logits

    def classification(self, cls_score: Tensor, labels: Tensor) -> Tensor:
        """Margin-based softmax cross entropy per anchor, shape (N,)."""
        return F.cross_entropy(
            self.margin_logits(cls_score, labels), labels, reduction='none')

    def forward(self, cls_score: Tensor, labels: Tensor, label_weights: Tensor,
                bbox_pred: Tensor, bbox_targets: Tensor, bbox_weights: Tensor,
                avg_factor: float) -> Dict[str, Tensor]:
        """Both DRMC terms.

        Args:
            cls_score (Tensor): (N, K + 1) logits.
            labels (Tensor): (N,) labels, K = background.
            label_weights (Tensor): (N,) classification weights (0 drops
                an anchor, e.g. a negative not kept by hard mining).
            bbox_pred (Tensor): (N, 4) decoded boxes (x1, y1, x2, y2).
            bbox_targets (Tensor): (N, 4) target boxes.
            bbox_weights (Tensor): (N, 4) or (N,) regression weights.
            avg_factor (float): Normaliser of both sums (number of
                positives in SSD-style heads).

        Returns:
            dict[str, Tensor]: ``loss_cls`` and ``loss_bbox``.
        """
        loss_cls = (self.classification(cls_score, labels) *
                    label_weights).sum() / max(avg_factor, 1.0)
        loss_bbox = self.loss_bbox(
            bbox_pred, bbox_targets, bbox_weights, avg_factor=avg_factor)
        return dict(
            loss_cls=self.loss_cls_weight * loss_cls, loss_bbox=loss_bbox)
