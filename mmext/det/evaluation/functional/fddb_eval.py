"""The FDDB discrete and continuous ROC (Jain and Learned-Miller, 2010).

A vectorised re-implementation of the protocol of the official
``evaluate`` program of FDDB:

1. Every annotated ellipse and every detected rectangle is rasterised on
   the image canvas as the official code draws it with OpenCV: the ellipse
   ``(ra, rb, theta, cx, cy)`` filled, centre rounded, semi-axes truncated
   to integers, rotated by ``theta`` (radians, converted to degrees); the
   rectangle ``(x, y, w, h)`` filled from ``round(x, y)`` to
   ``round(x + w, y + h)``, both inclusive; both clipped to the image.
   The overlap of a pair is |intersection| / |union| in pixels.  Here the
   rectangle's pixel counts come from an integral image of each ellipse
   mask, so no detection mask is drawn.
2. For every distinct detection score ``t`` of an image, the detections
   with score ``>= t`` are matched one-to-one to the faces by the
   Hungarian algorithm maximising the summed overlap (only faces and
   detections that overlap something take part).  A matched pair counts
   ``1`` true positive in the discrete score when its overlap is
   ``> 0.5``, and its overlap in the continuous score; false positives are
   the detections with score ``>= t`` minus the discrete true positives.
3. The per-image results are summed over the images at every distinct
   score of the dataset (an image contributes its result at its smallest
   score ``>= t``, and its faces always), giving the ROC: true positive
   rate (true positives / faces) against the number of false positives.

Departures, documented: OpenCV's rasteriser may differ by a few boundary
pixels between the OpenCV 1.x of the release and the installed one, and
SciPy's ``linear_sum_assignment`` may choose another of several equally
good assignments.

The annotation and detection files are read and written by
:mod:`mmext.det.datasets.fddb_io`.
"""
from typing import Dict, Mapping, Sequence, Tuple

import cv2
import numpy as np
from scipy.optimize import linear_sum_assignment


def ellipse_masks(ellipses: np.ndarray, shape: Tuple[int, int]) -> np.ndarray:
    """Rasterise filled ellipses as the official evaluation does.

    Args:
        ellipses (np.ndarray): ``(K, 5)`` ``[ra, rb, theta, cx, cy]``.
        shape (tuple[int, int]): Canvas ``(height, width)``.

    Returns:
        np.ndarray: ``(K, H, W)`` uint8 masks (0/1).
    """
    masks = np.zeros((len(ellipses), *shape), dtype=np.uint8)
    for mask, (ra, rb, theta, cx, cy) in zip(masks, ellipses):
        cv2.ellipse(mask,
                    (int(np.rint(cx)), int(np.rint(cy))), (int(ra), int(rb)),
                    float(np.degrees(theta)), 0, 360, 1, -1)
    return masks


def rectangle_pixels(rects: np.ndarray, shape: Tuple[int, int]) -> np.ndarray:
    """Inclusive pixel ranges of detections drawn as filled rectangles.

    Args:
        rects (np.ndarray): ``(D, 4)`` ``[x, y, w, h]``.
        shape (tuple[int, int]): Canvas ``(height, width)``.

    Returns:
        np.ndarray: ``(D, 4)`` int64 ``[x1, y1, x2, y2]`` clipped to the
        canvas; empty rectangles have ``x2 < x1`` or ``y2 < y1``.
    """
    p1 = np.rint(rects[:, :2])
    p2 = np.rint(rects[:, :2] + rects[:, 2:4])
    lo, hi = np.minimum(p1, p2), np.maximum(p1, p2)
    limit = np.array([shape[1] - 1, shape[0] - 1])
    return np.concatenate(
        [np.maximum(lo, 0), np.minimum(hi, limit)], 1).astype(np.int64)


def region_overlaps(ellipses: np.ndarray, rects: np.ndarray,
                    shape: Tuple[int, int]) -> np.ndarray:
    """Pixel IoU of every annotated ellipse with every detected rectangle.

    Args:
        ellipses (np.ndarray): ``(K, 5)`` ``[ra, rb, theta, cx, cy]``.
        rects (np.ndarray): ``(D, 4)`` ``[x, y, w, h]``.
        shape (tuple[int, int]): Image ``(height, width)``.

    Returns:
        np.ndarray: ``(K, D)`` overlaps in [0, 1].
    """
    masks = ellipse_masks(ellipses, shape)
    # integral images: (K, H + 1, W + 1)
    integral = np.zeros((len(masks), shape[0] + 1, shape[1] + 1))
    integral[:, 1:, 1:] = masks.cumsum(1).cumsum(2)
    x1, y1, x2, y2 = rectangle_pixels(rects, shape).T
    valid = (x2 >= x1) & (y2 >= y1)
    # an empty rectangle (off the canvas) reads the empty corner [0, 0)
    x1, y1 = np.where(valid, x1, 0), np.where(valid, y1, 0)
    x2, y2 = np.where(valid, x2 + 1, 0), np.where(valid, y2 + 1, 0)
    inter = (
        integral[:, y2, x2] - integral[:, y1, x2] - integral[:, y2, x1] +
        integral[:, y1, x1])
    rect_area = (x2 - x1) * (y2 - y1)
    union = masks.sum((1, 2))[:, None] + rect_area - inter
    with np.errstate(divide='ignore', invalid='ignore'):
        return np.where(union > 0, inter / union, 0.)


def image_roc(
    overlaps: np.ndarray, scores: np.ndarray
) -> Tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Discrete and continuous true positives of one image per threshold.

    Args:
        overlaps (np.ndarray): ``(K, D)`` from :func:`region_overlaps`.
        scores (np.ndarray): ``(D,)`` detection scores.

    Returns:
        tuple[np.ndarray, ...]: The distinct scores ``u`` (descending) and,
        for the detections with score ``>= u``: their number, the discrete
        and the continuous true positives, each ``(U,)``.
    """
    thresholds, inverse = np.unique(-scores, return_inverse=True)
    thresholds = -thresholds
    counts = np.cumsum(np.bincount(inverse, minlength=len(thresholds)))
    disc = np.zeros(len(thresholds))
    cont = np.zeros(len(thresholds))
    faces = np.flatnonzero(overlaps.sum(1) > 0)
    dets = np.flatnonzero(overlaps.sum(0) > 0)
    if len(faces):
        # the matching changes only where an overlapping detection enters
        changes = np.unique(inverse[dets])
        for k, start in enumerate(changes):
            stop = changes[k + 1] if k + 1 < len(changes) else len(disc)
            cols = dets[inverse[dets] <= start]
            sub = overlaps[np.ix_(faces, cols)]
            rows, picked = linear_sum_assignment(sub, maximize=True)
            matched = sub[rows, picked]
            disc[start:stop] = np.count_nonzero(matched > 0.5)
            cont[start:stop] = matched.sum()
    return thresholds, counts, disc, cont


def evaluate_fddb(predictions: Mapping[str, np.ndarray],
                  annotations: Mapping[str, np.ndarray],
                  image_shapes: Mapping[str, Tuple[int, int]],
                  fp_levels: Sequence[int] = (1000, ),
                  return_roc: bool = False) -> Dict[str, object]:
    """FDDB true positive rates at given numbers of false positives.

    Args:
        predictions (Mapping[str, np.ndarray]): Image id to ``(D, 5)``
            ``[x, y, w, h, score]``; a missing image has no detection.
        annotations (Mapping[str, np.ndarray]): Image id to its ``(K, 5)``
            ellipses ``[ra, rb, theta, cx, cy]``; every face counts.
        image_shapes (Mapping[str, tuple[int, int]]): ``(height, width)``
            of every predicted image (the rasterisation canvas).
        fp_levels (Sequence[int]): False-positive counts to read the ROC
            at: the rate of the lowest threshold with at most that many
            false positives. Defaults to ``(1000, )``.
        return_roc (bool): Also return ``roc``, a ``(T, 4)`` array of
            ``[threshold, false positives, discrete TPR, continuous TPR]``
            by descending threshold.

    Returns:
        dict: ``discrete@<n>fp`` and ``continuous@<n>fp`` per level.

    Raises:
        KeyError: If a prediction names an image without annotation or
            shape.
        ValueError: If a prediction is not ``(D, 5)`` or holds NaN.
    """
    num_faces = sum(len(e) for e in annotations.values())
    parts = []
    for key, pred in predictions.items():
        if key not in annotations:
            raise KeyError(f'prediction for {key!r}: no such image in the '
                           'FDDB annotations')
        pred = np.asarray(pred, dtype=np.float64)
        if pred.size and (pred.ndim != 2 or pred.shape[1] != 5):
            raise ValueError(f'prediction for {key!r} should be Dx5 '
                             f'[x, y, w, h, score], got {pred.shape}')
        if np.isnan(pred).any():
            raise ValueError(f'prediction for {key!r} holds NaN')
        if not pred.size:
            continue
        if key not in image_shapes:
            raise KeyError(f'prediction for {key!r}: the image shape is '
                           'missing')
        overlaps = region_overlaps(annotations[key], pred[:, :4],
                                   tuple(image_shapes[key]))
        thresholds, counts, disc, cont = image_roc(overlaps, pred[:, 4])
        # increments at each distinct score, summed over images below
        parts.append(
            np.stack([
                thresholds,
                np.diff(counts, prepend=0),
                np.diff(disc, prepend=0),
                np.diff(cont, prepend=0)
            ], 1))
    steps = np.concatenate(parts) if parts else np.zeros((0, 4))
    steps = steps[np.argsort(-steps[:, 0], kind='stable')]
    totals = np.cumsum(steps[:, 1:], axis=0)
    # the ROC has one point per distinct score: the last of its run
    last = np.flatnonzero(np.diff(steps[:, 0], append=-np.inf) != 0)
    detections, disc, cont = totals[last].T
    denom = max(num_faces, 1)
    roc = np.stack(
        [steps[last, 0], detections - disc, disc / denom, cont / denom], 1)
    results: Dict[str, object] = {}
    for level in fp_levels:
        within = roc[:, 1] <= level
        results[f'discrete@{level}fp'] = float(
            roc[within, 2].max()) if within.any() else 0.
        results[f'continuous@{level}fp'] = float(
            roc[within, 3].max()) if within.any() else 0.
    if return_roc:
        results['roc'] = roc
    return results
