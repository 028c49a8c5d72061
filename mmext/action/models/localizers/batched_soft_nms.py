"""Soft-NMS of temporal proposals, vectorised over proposals and videos."""
from typing import Tuple

import numpy as np


def batched_soft_nms(segments: np.ndarray, scores: np.ndarray, alpha: float,
                     low_threshold: float, high_threshold: float,
                     top_k: int) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gaussian soft-NMS of temporal proposals for a batch of videos.

    The rule of mmaction2's ``soft_nms`` (BSN, BMN and DBG share it): take
    the highest-scoring proposal, then decay the score of every remaining
    proposal whose temporal IoU with it exceeds ``low_threshold +
    (high_threshold - low_threshold) * width`` (``width`` is the taken
    proposal's normalised length) by ``exp(-IoU^2 / alpha)``; repeat
    ``top_k`` times.  Each step is a few array operations over all
    proposals of all videos instead of a Python loop over proposals.  It
    runs in NumPy: the arrays are small, and on a busy CPU the thread
    synchronisation of a multi-threaded op costs more than the op.

    Args:
        segments (np.ndarray): Proposals ``[tmin, tmax]`` of shape (B, N, 2).
        scores (np.ndarray): Proposal scores of shape (B, N).
        alpha (float): Width of the Gaussian decay.
        low_threshold (float): IoU threshold for a proposal of width 0.
        high_threshold (float): IoU threshold for a proposal of width 1.
        top_k (int): Proposals to keep per video.

    Returns:
        tuple[np.ndarray, np.ndarray, np.ndarray]: For K = min(top_k, N), the
        indices into N (B, K), the kept segments (B, K, 2) and their decayed
        scores (B, K), in the order they were taken (non-increasing score).
    """
    segments = np.asarray(segments)
    scores = np.array(scores, dtype=np.result_type(scores, np.float32))
    if segments.ndim != 3 or segments.shape[:2] != scores.shape \
            or segments.shape[-1] != 2:
        raise ValueError('batched_soft_nms expects segments (B, N, 2) and '
                         f'scores (B, N), got {segments.shape} and '
                         f'{scores.shape}')
    batch, num = scores.shape
    num_keep = min(top_k, num)
    tmin, tmax = segments[..., 0], segments[..., 1]
    widths = tmax - tmin
    rows = np.arange(batch)
    keep = np.empty((batch, num_keep), dtype=np.int64)
    keep_scores = np.empty((batch, num_keep), dtype=scores.dtype)
    for step in range(num_keep):
        best = scores.argmax(1)
        keep[:, step] = best
        keep_scores[:, step] = scores[rows, best]
        best_min = tmin[rows, best, None]
        best_max = tmax[rows, best, None]
        best_width = best_max - best_min
        inter = np.clip(
            np.minimum(tmax, best_max) - np.maximum(tmin, best_min), 0, None)
        iou = inter / (widths + best_width - inter)
        threshold = low_threshold + (high_threshold -
                                     low_threshold) * best_width
        decayed = iou > threshold
        scores[decayed] *= np.exp(-np.square(iou[decayed]) / alpha)
        scores[rows, best] = -np.inf  # taken
    return keep, segments[rows[:, None], keep], keep_scores
