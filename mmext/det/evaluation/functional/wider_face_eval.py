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
files do.  Predictions are a mapping ``'<event>/<image>'`` (the image name
without ``.jpg``) to ``(N, 5)`` arrays of ``[x, y, w, h, score]``.
"""
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

import numpy as np
from scipy.io import loadmat, savemat

#: The three difficulty settings, in the official order.
SETTINGS = ('easy', 'medium', 'hard')
#: Number of score thresholds of the PR curve.
THRESH_NUM = 1000
#: Official ground-truth file names (in ``eval_tools/ground_truth``).
GT_FILE = 'wider_face_val.mat'
SETTING_FILE = 'wider_{}_val.mat'


@dataclass
class WIDERFaceGroundTruth:
    """The official validation ground truth.

    Attributes:
        events (list[str]): Event folder names, in ``.mat`` order.
        images (list[list[str]]): Image names (without ``.jpg``) per event.
        boxes (list[list[np.ndarray]]): ``(K, 4)`` float64 ``[x, y, w, h]``
            faces per image.
        keep (dict[str, list[list[np.ndarray]]]): Per setting, the 0-based
            indices (int64) of the faces that count per image; the other
            faces of the image are ignored.
    """
    events: List[str]
    images: List[List[str]]
    boxes: List[List[np.ndarray]]
    keep: Dict[str, List[List[np.ndarray]]] = field(default_factory=dict)

    def keys(self) -> List[str]:
        """``'<event>/<image>'`` of every image, in ``.mat`` order."""
        return [
            f'{event}/{name}' for event, names in zip(self.events, self.images)
            for name in names
        ]


def _cells(value: np.ndarray, path: str, where: str) -> List[np.ndarray]:
    """The elements of a MATLAB cell array (column-major)."""
    if not isinstance(value, np.ndarray) or value.dtype != object:
        raise ValueError(f'{path}: {where} should be a cell array, got '
                         f'{type(value).__name__} '
                         f'{getattr(value, "dtype", "")}')
    return list(value.reshape(-1, order='F'))


def _string(value: np.ndarray, path: str, where: str) -> str:
    """A MATLAB char array as ``str``."""
    array = np.asarray(value)
    if array.dtype.kind != 'U' or array.size != 1:
        raise ValueError(f'{path}: {where} should be a string, got '
                         f'{array.dtype} of shape {array.shape}')
    return str(array.reshape(-1)[0])


def _load_mat(path: str, keys: Tuple[str, ...]) -> Dict[str, np.ndarray]:
    """Load a ``.mat`` file that must hold ``keys``."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'WIDER FACE ground truth not found: {path}')
    try:
        mat = loadmat(path)
    except Exception as err:  # scipy raises several types on bad files
        raise ValueError(f'{path}: not a readable .mat file ({err})') from err
    for key in keys:
        if key not in mat:
            raise KeyError(f'{path}: key {key!r} is missing (found '
                           f'{sorted(k for k in mat if not k.startswith("_"))}'
                           ')')
    return mat


def load_wider_face_gt(gt_dir: str) -> WIDERFaceGroundTruth:
    """Read the official ``eval_tools/ground_truth`` folder.

    Reads ``wider_face_val.mat`` (``event_list``, ``file_list``,
    ``face_bbx_list``) and ``wider_{easy,medium,hard}_val.mat``
    (``gt_list``: per image the 1-based indices of the faces that count;
    uint8 columns whose empty ones are ``0x0`` or ``0x1``).

    Args:
        gt_dir (str): The folder holding the four ``.mat`` files.

    Returns:
        WIDERFaceGroundTruth: The parsed ground truth.

    Raises:
        FileNotFoundError: If a file is missing.
        KeyError: If a file lacks a key (the message names file and key).
        ValueError: If the cell structure is malformed or the lists
            disagree (the message names file, key and event / image).
    """
    path = osp.join(gt_dir, GT_FILE)
    mat = _load_mat(path, ('event_list', 'file_list', 'face_bbx_list'))
    event_cells = _cells(mat['event_list'], path, 'event_list')
    file_cells = _cells(mat['file_list'], path, 'file_list')
    box_cells = _cells(mat['face_bbx_list'], path, 'face_bbx_list')
    if not len(event_cells) == len(file_cells) == len(box_cells):
        raise ValueError(f'{path}: event_list, file_list and face_bbx_list '
                         f'have {len(event_cells)}, {len(file_cells)} and '
                         f'{len(box_cells)} events')
    events, images, boxes = [], [], []
    for i, (event, files,
            faces) in enumerate(zip(event_cells, file_cells, box_cells)):
        events.append(_string(event, path, f'event_list{{{i + 1}}}'))
        where = f'event {i + 1} ({events[-1]})'
        names = [
            _string(f, path, f'file_list{{{i + 1}}}{{{j + 1}}}')
            for j, f in enumerate(_cells(files, path, f'file_list {where}'))
        ]
        face_list = _cells(faces, path, f'face_bbx_list {where}')
        if len(face_list) != len(names):
            raise ValueError(f'{path}: {where} has {len(names)} files but '
                             f'{len(face_list)} face_bbx_list entries')
        event_boxes = []
        for j, box in enumerate(face_list):
            box = np.asarray(box, dtype=np.float64)
            if box.size == 0:
                box = box.reshape(0, 4)
            if box.ndim != 2 or box.shape[1] != 4:
                raise ValueError(
                    f'{path}: face_bbx_list {where} image {j + 1} '
                    f'({names[j]}) should be Kx4, got {box.shape}')
            event_boxes.append(box)
        images.append(names)
        boxes.append(event_boxes)
    gt = WIDERFaceGroundTruth(events, images, boxes)
    for setting in SETTINGS:
        path = osp.join(gt_dir, SETTING_FILE.format(setting))
        lists = _cells(
            _load_mat(path, ('gt_list', ))['gt_list'], path, 'gt_list')
        if len(lists) != len(events):
            raise ValueError(f'{path}: gt_list has {len(lists)} events, '
                             f'{GT_FILE} has {len(events)}')
        keep = []
        for i, image_lists in enumerate(lists):
            where = f'gt_list event {i + 1} ({events[i]})'
            image_lists = _cells(image_lists, path, where)
            if len(image_lists) != len(images[i]):
                raise ValueError(f'{path}: {where} has {len(image_lists)} '
                                 f'images, {GT_FILE} has {len(images[i])}')
            event_keep = []
            for j, index in enumerate(image_lists):
                index = np.asarray(index).reshape(-1)
                num = len(boxes[i][j])
                if index.size and (index.dtype.kind not in 'iuf'
                                   or np.any(index != np.round(index))
                                   or index.min() < 1 or index.max() > num):
                    raise ValueError(
                        f'{path}: {where} image {j + 1} ({images[i][j]}) '
                        f'has face indices {index.tolist()} outside 1..{num}')
                event_keep.append(index.astype(np.int64) - 1)
            keep.append(event_keep)
        gt.keep[setting] = keep
    return gt


def _cell_column(items: List[object]) -> np.ndarray:
    """A MATLAB ``n x 1`` cell array for ``scipy.io.savemat``."""
    cell = np.empty((len(items), 1), dtype=object)
    for k, item in enumerate(items):
        cell[k, 0] = item
    return cell


def save_wider_face_gt(gt_dir: str, gt: WIDERFaceGroundTruth) -> None:
    """Write the four official ground-truth ``.mat`` files.

    The inverse of :func:`load_wider_face_gt`, in the official cell layout:
    ``event_list`` (events x 1 of char), ``file_list`` and ``face_bbx_list``
    (events x 1 of images x 1 cells of char / ``K x 4`` double) and, per
    setting, ``gt_list`` (events x 1 of images x 1 cells of ``k x 1`` uint8
    1-based indices; an empty list is ``0 x 1``).

    Args:
        gt_dir (str): Destination folder (created).
        gt (WIDERFaceGroundTruth): The ground truth; ``keep`` holds 0-based
            indices for every setting.
    """
    os.makedirs(gt_dir, exist_ok=True)
    savemat(
        osp.join(gt_dir, GT_FILE),
        dict(
            event_list=_cell_column(gt.events),
            file_list=_cell_column([_cell_column(n) for n in gt.images]),
            face_bbx_list=_cell_column([
                _cell_column([
                    np.asarray(b, dtype=np.float64).reshape(-1, 4)
                    for b in boxes
                ]) for boxes in gt.boxes
            ])))
    for setting in SETTINGS:
        savemat(
            osp.join(gt_dir, SETTING_FILE.format(setting)),
            dict(
                gt_list=_cell_column([
                    _cell_column([(np.asarray(k) +
                                   1).astype(np.uint8).reshape(-1, 1)
                                  for k in keep]) for keep in gt.keep[setting]
                ])))


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


def sort_by_score(dets: np.ndarray) -> np.ndarray:
    """``(N, 5)`` detections sorted by score, descending (stable).

    Args:
        dets (np.ndarray): ``(N, 5)`` ``[x, y, w, h, score]``.

    Returns:
        np.ndarray: A float64 copy in the official order.
    """
    dets = np.asarray(dets, dtype=np.float64).reshape(-1, 5)
    return dets[np.argsort(-dets[:, 4], kind='stable')]


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
        gt (WIDERFaceGroundTruth): From :func:`load_wider_face_gt`.
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


def read_prediction_txt(path: str) -> np.ndarray:
    """Read one official submission file.

    The layout is: the image name; the number of faces N; N lines of
    ``x y w h score``.

    Args:
        path (str): The ``<event>/<image>.txt`` file.

    Returns:
        np.ndarray: ``(N, 5)`` float64.

    Raises:
        ValueError: On a malformed file (the message names file and line).
    """
    with open(path) as f:
        lines = f.read().splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) < 2:
        raise ValueError(f'{path}: expected the image name and the number '
                         f'of faces on lines 1-2, the file has {len(lines)} '
                         'lines')
    try:
        num = int(lines[1].strip())
    except ValueError:
        num = -1
    if num < 0:
        raise ValueError(f'{path}:2: expected the number of faces, got '
                         f'{lines[1]!r}')
    rows = lines[2:]
    if len(rows) != num:
        raise ValueError(f'{path}: line 2 announces {num} faces, the file '
                         f'has {len(rows)} face lines')
    fields = [row.split() for row in rows]
    for k, row in enumerate(fields):
        if len(row) != 5:
            raise ValueError(f'{path}:{k + 3}: expected "x y w h score", '
                             f'got {rows[k]!r}')
    try:
        return np.array(fields, dtype=np.float64).reshape(-1, 5)
    except ValueError:
        for k, row in enumerate(fields):
            try:
                [float(v) for v in row]
            except ValueError:
                raise ValueError(f'{path}:{k + 3}: not a number in '
                                 f'{rows[k]!r}') from None
        raise


def read_prediction_dir(pred_dir: str,
                        gt: WIDERFaceGroundTruth,
                        allow_missing: bool = False) -> Dict[str, np.ndarray]:
    """Read the submission files of every ground-truth image.

    As MATLAB ``read_pred``, files are found as
    ``<pred_dir>/<event>/<image>.txt``; other files are not read.

    Args:
        pred_dir (str): The submission folder.
        gt (WIDERFaceGroundTruth): Names the images to read.
        allow_missing (bool): Treat a missing file as no detections instead
            of raising. Defaults to False.

    Returns:
        dict[str, np.ndarray]: ``'<event>/<image>'`` to ``(N, 5)``.

    Raises:
        FileNotFoundError: If files are missing and not ``allow_missing``.
    """
    predictions, missing = {}, []
    for key in gt.keys():
        path = osp.join(pred_dir, key + '.txt')
        if osp.isfile(path):
            predictions[key] = read_prediction_txt(path)
        else:
            missing.append(path)
    if missing and not allow_missing:
        raise FileNotFoundError(
            f'{len(missing)} of {len(predictions) + len(missing)} prediction '
            f'files are missing, e.g. {missing[:3]}')
    return predictions


def write_prediction_txt(path: str, name: str, dets: np.ndarray) -> None:
    """Write one official submission file, detections by score descending.

    Numbers are written with 17 significant digits, so reading the file
    back gives the same float64 values.

    Args:
        path (str): The ``<event>/<image>.txt`` file.
        name (str): The image name written on line 1.
        dets (np.ndarray): ``(N, 5)`` ``[x, y, w, h, score]``.
    """
    dets = sort_by_score(dets)
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with open(path, 'w') as f:
        f.write(f'{name}\n{len(dets)}\n')
        np.savetxt(f, dets, fmt='%.17g')


def write_prediction_dir(pred_dir: str,
                         predictions: Mapping[str, np.ndarray],
                         gt_keys: Optional[List[str]] = None) -> None:
    """Write predictions in the official ``<event>/<image>.txt`` layout.

    Args:
        pred_dir (str): The submission folder.
        predictions (Mapping[str, np.ndarray]): ``'<event>/<image>'`` to
            ``(N, 5)``.
        gt_keys (list[str], optional): Images to write an empty file for
            when they have no prediction.
    """
    keys = list(predictions)
    if gt_keys is not None:
        keys += [k for k in gt_keys if k not in predictions]
    for key in keys:
        dets = predictions.get(key, np.zeros((0, 5)))
        write_prediction_txt(
            osp.join(pred_dir, key + '.txt'), osp.basename(key), dets)
