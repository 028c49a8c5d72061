"""Soft-NMS of temporal proposals, vectorised over proposals and videos."""
from typing import Tuple

import torch
from torch import Tensor


def batched_soft_nms(segments: Tensor, scores: Tensor, alpha: float,
                     low_threshold: float, high_threshold: float,
                     top_k: int) -> Tuple[Tensor, Tensor, Tensor]:
    """Gaussian soft-NMS of temporal proposals for a batch of videos.

    The rule of mmaction2's ``soft_nms`` (BSN, BMN and DBG share it): take
    the highest-scoring proposal, then decay the score of every remaining
    proposal whose temporal IoU with it exceeds ``low_threshold +
    (high_threshold - low_threshold) * width`` (``width`` is the taken
    proposal's normalised length) by ``exp(-IoU^2 / alpha)``; repeat
    ``top_k`` times.  Each step is a few tensor operations over all
    proposals of all videos, instead of a Python loop over proposals.

    Args:
        segments (Tensor): Proposals ``[tmin, tmax]`` of shape (B, N, 2).
        scores (Tensor): Proposal scores of shape (B, N).
        alpha (float): Width of the Gaussian decay.
        low_threshold (float): IoU threshold for a proposal of width 0.
        high_threshold (float): IoU threshold for a proposal of width 1.
        top_k (int): Proposals to keep per video.

    Returns:
        tuple[Tensor, Tensor, Tensor]: For K = min(top_k, N), the indices
        into N (B, K), the kept segments (B, K, 2) and their decayed scores
        (B, K), in the order they were taken (non-increasing score).
    """
    if segments.dim() != 3 or segments.shape[:2] != scores.shape \
            or segments.size(-1) != 2:
        raise ValueError('batched_soft_nms expects segments (B, N, 2) and '
                         f'scores (B, N), got {tuple(segments.shape)} and '
                         f'{tuple(scores.shape)}')
    num = min(top_k, scores.size(1))
    tmin, tmax = segments.unbind(-1)
    widths = tmax - tmin
    scores = scores.clone()
    taken = torch.zeros_like(scores, dtype=torch.bool)
    keep = scores.new_empty(scores.size(0), num, dtype=torch.long)
    keep_scores = scores.new_empty(scores.size(0), num)
    for step in range(num):
        best = scores.masked_fill(taken, -float('inf')).argmax(1, True)
        keep[:, step:step + 1] = best
        keep_scores[:, step:step + 1] = scores.gather(1, best)
        taken.scatter_(1, best, True)
        best_min, best_max = tmin.gather(1, best), tmax.gather(1, best)
        best_width = best_max - best_min
        inter = (torch.minimum(tmax, best_max) -
                 torch.maximum(tmin, best_min)).clamp(min=0)
        iou = inter / (widths + best_width - inter)
        threshold = low_threshold + (high_threshold -
                                     low_threshold) * best_width
        decay = torch.exp(-iou.square() / alpha)
        scores = torch.where(iou > threshold, scores * decay, scores)
    kept_segments = segments.gather(1, keep.unsqueeze(-1).expand(-1, -1, 2))
    return keep, kept_segments, keep_scores
