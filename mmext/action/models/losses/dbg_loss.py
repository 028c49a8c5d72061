"""DBG's training loss."""
from typing import Dict

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmaction.registry import MODELS
from torch import Tensor

from .balanced_binary_logistic_loss import balanced_binary_logistic_loss


@MODELS.register_module()
class DBGLoss(nn.Module):
    """Loss of DBG, weighted as the official code.

    ``loss = 2 * L_action + 10 * L_iou + L_start + L_end``:

    - ``L_action``: class-balanced logistic loss of the RGB, flow and fused
      DSB actionness scores, averaged;
    - ``L_iou``: smooth-L1 regression of the ACR completeness map on
      IoU-stratified samples (see :meth:`completeness_loss`);
    - ``L_start`` / ``L_end``: class-balanced logistic loss of the TBC
      starting / ending maps over the proposals with start <= end, the label
      of proposal (i, j) being the start label of i / the end label of j.

    Args:
        action_weight (float): Weight of L_action. Defaults to 2.
        iou_weight (float): Weight of L_iou. Defaults to 10.
        start_weight (float): Weight of L_start. Defaults to 1.
        end_weight (float): Weight of L_end. Defaults to 1.
        high_iou_threshold (float): Proposals above it are all used by
            L_iou. Defaults to 0.6.
        low_iou_threshold (float): Proposals at or below it are the
            low-IoU stratum of L_iou. Defaults to 0.2.
    """

    def __init__(self,
                 action_weight: float = 2.0,
                 iou_weight: float = 10.0,
                 start_weight: float = 1.0,
                 end_weight: float = 1.0,
                 high_iou_threshold: float = 0.6,
                 low_iou_threshold: float = 0.2) -> None:
        super().__init__()
        self.action_weight = action_weight
        self.iou_weight = iou_weight
        self.start_weight = start_weight
        self.end_weight = end_weight
        self.high_iou_threshold = high_iou_threshold
        self.low_iou_threshold = low_iou_threshold

    def completeness_loss(self, pred_iou: Tensor, gt_iou: Tensor,
                          mask: Tensor) -> Tensor:
        """Smooth-L1 completeness loss with IoU-stratified sampling.

        Per video, every proposal with IoU > ``high_iou_threshold`` (``h``
        of them) is used, the proposals with IoU in (low, high] are sampled
        at rate ``min(1, h / #mid)`` and those with IoU <= low (start <= end
        only) at rate ``min(1, 2h / #low)``.  The smooth-L1 loss of the
        sampled proposals is averaged per video, then over the batch.

        Args:
            pred_iou (Tensor): Completeness map (B, T, T).
            gt_iou (Tensor): IoU labels (B, T, T), 0 where start > end.
            mask (Tensor): Bool (T, T), True where start <= end.

        Returns:
            Tensor: Scalar loss, unweighted.
        """
        high = gt_iou > self.high_iou_threshold
        mid = (gt_iou > self.low_iou_threshold) & ~high
        low = (gt_iou <= self.low_iou_threshold) & mask
        num_high = high.sum((1, 2), keepdim=True).to(pred_iou.dtype)
        num_mid = mid.sum((1, 2), keepdim=True).clamp(min=1)
        num_low = low.sum((1, 2), keepdim=True).clamp(min=1)
        rate_mid = (num_high / num_mid).clamp(max=1)
        rate_low = (2 * num_high / num_low).clamp(max=1)
        sampled_mid = mid & (torch.rand_like(pred_iou) > 1 - rate_mid)
        sampled_low = low & (torch.rand_like(pred_iou) > 1 - rate_low)
        weight = (high | sampled_mid | sampled_low).to(pred_iou.dtype)
        loss = F.smooth_l1_loss(
            pred_iou * weight, gt_iou * weight, reduction='none') * weight
        per_video = loss.sum((1, 2)) / weight.sum((1, 2)).clamp(min=1)
        return per_video.mean()

    def forward(self, actionness: Tensor, iou_map: Tensor, start_map: Tensor,
                end_map: Tensor, gt_action: Tensor, gt_start: Tensor,
                gt_end: Tensor, gt_iou: Tensor,
                mask: Tensor) -> Dict[str, Tensor]:
        """Compute the weighted loss terms.

        Args:
            actionness (Tensor): DSB scores of the RGB, flow and fused
                streams, shape (B, 3, T).
            iou_map (Tensor): ACR completeness map (B, T, T).
            start_map (Tensor): TBC starting map (B, T, T).
            end_map (Tensor): TBC ending map (B, T, T).
            gt_action (Tensor): Actionness labels (B, T).
            gt_start (Tensor): Starting labels (B, T).
            gt_end (Tensor): Ending labels (B, T).
            gt_iou (Tensor): IoU labels (B, T, T).
            mask (Tensor): Bool (T, T), True where start <= end.

        Returns:
            dict[str, Tensor]: ``loss_action``, ``loss_iou``, ``loss_start``
            and ``loss_end``, each already multiplied by its weight.
        """
        loss_action = sum(
            balanced_binary_logistic_loss(score, gt_action)
            for score in actionness.unbind(1)) / actionness.size(1)
        loss_start = balanced_binary_logistic_loss(
            start_map,
            gt_start.unsqueeze(2).expand_as(start_map), mask)
        loss_end = balanced_binary_logistic_loss(
            end_map,
            gt_end.unsqueeze(1).expand_as(end_map), mask)
        loss_iou = self.completeness_loss(iou_map, gt_iou, mask)
        return dict(
            loss_action=self.action_weight * loss_action,
            loss_iou=self.iou_weight * loss_iou,
            loss_start=self.start_weight * loss_start,
            loss_end=self.end_weight * loss_end)
