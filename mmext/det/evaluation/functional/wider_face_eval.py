"""The official WIDER FACE Easy / Medium / Hard evaluation.

A faithful, vectorised re-implementation of the ``eval_tools`` protocol of
WIDER FACE (Yang et al., CVPR 2016; ``wider_eval.m`` and its Python port),
shared by :class:`~mmext.det.evaluation.WIDERFaceMetric` and
``tools/analysis_tools/wider_face_eval.py``:

1. Every score is min-max normalised over **all** detections of the
   dataset, as MATLAB ``norm_score`` (the maximum starts at
   ``realmin('single')``, the minimum at ``realmax('single')``).
2. Each image's detections are sorted by score, descending (stable, as
   MATLAB ``sort``), and matched greedily in that order: a detection is
   compared only with its best-IoU ground-truth face (the first on a tie),
   with the ``+1`` pixel convention on ``x2 = x + w``.  If that IoU is
   ``>= 0.5`` and the face is outside the setting's ``gt_list`` (ignored),
   the detection is discarded (neither TP nor FP); otherwise the face
   becomes recalled the first time.
3. The PR curve is taken at ``t = 1 - k / 1000``, ``k = 1..1000``:
   precision = recalled faces / kept detections with score ``>= t``,
   recall = recalled faces / faces of the setting (faces of images without
   detections included).  Images without any ground-truth box are skipped,
   so their detections never count.
4. AP is the VOC continuous AP (precision envelope, sum of ΔR · P).

The only departure: when every score of the dataset is equal, MATLAB
divides by zero and scores nothing; here all normalised scores are 1.

Ground truth and predictions use ``[x, y, w, h]`` boxes as the official
files do (both are read and written by
:mod:`mmext.det.datasets.wider_face_io`).  Predictions are a mapping
``'<event>/<image>'`` (the image name without ``.jpg``) to ``(N, 5)``
arrays of ``[x, y, w, h, score]``.
"""
from typing import Dict, Mapping, Tuple

import numpy as np

from mmext.det.datasets.wider_face_io import (SETTING_FILE, SETTINGS,
                                              WIDERFaceGroundTruth,
                                              sort_by_score)

#: Number of score thresholds of the PR curve.
THRESH_NUM = 1000


def bbox_overlaps_plus1(boxes: np.ndarray, query: np.ndarray) -> np.ndarray:
    """IoU with the ``+1`` pixel convention of the official evaluation.

    Args:
        boxes (np.ndarray): ``(N, 4)`` ``[x1, y1, x2, y2]``.
        query (np.ndarray): ``(K, 4)`` ``[x1, y1, x2, y2]``.

    Returns:
        np.ndarray: ``(N, K)`` overlaps; 0 where the boxes do not meet.
    """
    iw = (
        np.minimum(boxes[:, None, 2], query[None, :, 2]) -
        np.maximum(boxes[:, None, 0], query[None, :, 0]) + 1)
    ih = (
        np.minimum(boxes[:, None, 3], query[None, :, 3]) -
        np.maximum(boxes[:, None, 1], query[None, :, 1]) + 1)
    inter = iw * ih
    area_b = (boxes[:, 2] - boxes[:, 0] + 1) * (boxes[:, 3] - boxes[:, 1] + 1)
    area_q = (query[:, 2] - query[:, 0] + 1) * (query[:, 3] - query[:, 1] + 1)
    with np.errstate(divide='ignore', invalid='ignore'):
        overlaps = inter / (area_b[:, None] + area_q[None, :] - inter)
    return np.where((iw > 0) & (ih > 0), overlaps, 0.)


def normalize_scores(
        predictions: Mapping[str, np.ndarray]) -> Dict[str, np.ndarray]:
    """Global min-max score normalisation (MATLAB ``norm_score``).

    Args:
        predictions (Mapping[str, np.ndarray]): ``(N, 5)`` per image.

    Returns:
        dict[str, np.ndarray]: New arrays with normalised scores.
    """
    scores = [p[:, 4] for p in predictions.values() if len(p)]
    max_score = float(np.finfo(np.float32).tiny)
    min_score = float(np.finfo(np.float32).max)
    if scores:
        scores = np.concatenate(scores)
        max_score = max(max_score, float(scores.max()))
        min_score = min(min_score, float(scores.min()))
    out = {}
    for key, pred in predictions.items():
        pred = np.array(pred, dtype=np.float64).reshape(-1, 5)
        if max_score > min_score:
            pred[:, 4] = (pred[:, 4] - min_score) / (max_score - min_score)
        else:  # every score equal: MATLAB gives NaN, we rank them all first
            pred[:, 4] = 1.
        out[key] = pred
    return out


def image_eval(pred: np.ndarray,
               gt: np.ndarray,
               iou_thr: float = 0.5) -> Tuple[np.ndarray, np.ndarray]:
    """Best face and overlap of each detection of one image.

    Args:
        pred (np.ndarray): ``(N, 5)`` ``[x, y, w, h, score]``, sorted by
            score descending.
        gt (np.ndarray): ``(K, 4)`` ``[x, y, w, h]``, ``K >= 1``.
        iou_thr (float): Match threshold (inclusive). Defaults to 0.5.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``best`` (N,) int64, the index of the
        best-IoU face of each detection (the first on a tie), or -1 when
        that IoU is below ``iou_thr``; and the IoU itself (N,).
    """
    pred_xyxy = np.concatenate([pred[:, :2], pred[:, :2] + pred[:, 2:4]], 1)
    gt_xyxy = np.concatenate([gt[:, :2], gt[:, :2] + gt[:, 2:4]], 1)
    overlaps = bbox_overlaps_plus1(pred_xyxy, gt_xyxy)
    best = overlaps.argmax(1)
    best_iou = overlaps[np.arange(len(pred)), best]
    return np.where(best_iou >= iou_thr, best, -1), best_iou


def match_setting(best: np.ndarray,
                  kept: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """The greedy matching of one image for one setting.

    Args:
        best (np.ndarray): ``(N,)`` from :func:`image_eval`.
        kept (np.ndarray): ``(K,)`` bool, the faces that count.

    Returns:
        tuple[np.ndarray, np.ndarray]: ``proposal`` (N,) bool, False for
        detections discarded on an ignored face; and ``recalled`` (N,) bool,
        True where a detection recalls a face for the first time (the
        official ``pred_recall`` is its cumulative sum).
    """
    hit = best >= 0
    on_kept = hit & kept[np.maximum(best, 0)]
    proposal = ~(hit & ~on_kept)
    recalled = np.zeros(len(best), dtype=bool)
    rows = np.flatnonzero(on_kept)
    _, first = np.unique(best[rows], return_index=True)
    recalled[rows[first]] = True
    return proposal, recalled


def voc_continuous_ap(recall: np.ndarray, precision: np.ndarray) -> float:
    """VOC continuous AP: area under the precision envelope.

    Args:
        recall (np.ndarray): ``(T,)`` non-decreasing recall.
        precision (np.ndarray): ``(T,)`` precision (NaN where nothing was
            proposed, as the official 0/0).

    Returns:
        float: The AP.
    """
    mrec = np.concatenate(([0.], recall, [1.]))
    mpre = np.concatenate(([0.], precision, [0.]))
    mpre = np.maximum.accumulate(mpre[::-1])[::-1]
    i = np.flatnonzero(mrec[1:] != mrec[:-1])
    return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))


def evaluate_wider_face(predictions: Mapping[str, np.ndarray],
                        gt: WIDERFaceGroundTruth,
                        iou_thr: float = 0.5,
                        thresh_num: int = THRESH_NUM,
                        return_curves: bool = False) -> Dict[str, object]:
    """Easy / Medium / Hard AP of predictions against the ground truth.

    Args:
        predictions (Mapping[str, np.ndarray]): ``'<event>/<image>'`` to
            ``(N, 5)`` ``[x, y, w, h, score]`` (any order).  Missing images
            have no detections; their faces still count.
        gt (WIDERFaceGroundTruth): From
            :func:`~mmext.det.datasets.wider_face_io.load_wider_face_gt`.
        iou_thr (float): Match threshold. Defaults to 0.5.
        thresh_num (int): Number of score thresholds. Defaults to 1000.
        return_curves (bool): Also return ``<setting>_precision`` and
            ``<setting>_recall`` (``(thresh_num,)`` each).

    Returns:
        dict: ``easy``, ``medium``, ``hard`` AP in [0, 1].

    Raises:
        KeyError: If a prediction names an image that is not in ``gt``.
        ValueError: If a prediction is not ``(N, 5)`` or holds NaN, or a
            setting has no face.
    """
    known = set(gt.keys())
    for key, pred in predictions.items():
        if key not in known:
            raise KeyError(f'prediction for {key!r}: no such image in the '
                           'ground truth')
        pred = np.asarray(pred)
        if pred.size and (pred.ndim != 2 or pred.shape[1] != 5):
            raise ValueError(f'prediction for {key!r} should be Nx5 '
                             f'[x, y, w, h, score], got {pred.shape}')
        if np.isnan(pred).any():
            raise ValueError(f'prediction for {key!r} holds NaN')
    # MATLAB sorts each image by its raw score, then normalises.
    predictions = normalize_scores({
        key: sort_by_score(pred)
        for key, pred in predictions.items()
    })
    # Threshold index t (0-based) is 1 - (t + 1) / thresh_num; a detection
    # with score s counts for every t >= first[s].
    thresholds = 1 - np.arange(1, thresh_num + 1) / thresh_num
    ascending = thresholds[::-1]

    scores, bests, owners = [], [], []
    for i, event in enumerate(gt.events):
        for j, name in enumerate(gt.images[i]):
            pred = predictions.get(f'{event}/{name}')
            if pred is None or not len(pred) or not len(gt.boxes[i][j]):
                continue
            best, _ = image_eval(pred, gt.boxes[i][j], iou_thr)
            scores.append(pred[:, 4])
            bests.append(best)
            owners.append((i, j))
    first = [
        thresh_num - np.searchsorted(ascending, s, side='right')
        for s in scores
    ]

    results = {}
    for setting in SETTINGS:
        keep = gt.keep[setting]
        count_face = sum(len(k) for event in keep for k in event)
        if count_face == 0:
            raise ValueError(f'{SETTING_FILE.format(setting)}: the {setting} '
                             'setting has no face')
        proposals = np.zeros(thresh_num + 1)
        recalls = np.zeros(thresh_num + 1)
        for (i, j), best, start in zip(owners, bests, first):
            kept = np.zeros(len(gt.boxes[i][j]), dtype=bool)
            kept[keep[i][j]] = True
            proposal, recalled = match_setting(best, kept)
            proposals += np.bincount(
                start, weights=proposal, minlength=thresh_num + 1)
            recalls += np.bincount(
                start, weights=recalled, minlength=thresh_num + 1)
        proposals = np.cumsum(proposals)[:thresh_num]
        recalls = np.cumsum(recalls)[:thresh_num]
        with np.errstate(divide='ignore', invalid='ignore'):
            precision = recalls / proposals
        recall = recalls / count_face
        results[setting] = voc_continuous_ap(recall, precision)
        if return_curves:
            results[f'{setting}_precision'] = precision
            results[f'{setting}_recall'] = recall
    return results
