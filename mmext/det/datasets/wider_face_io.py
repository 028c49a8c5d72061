"""The WIDER FACE evaluation files: ground-truth ``.mat`` and submissions.

The official ``eval_tools`` read two formats, both handled here so that
:class:`~mmext.det.evaluation.WIDERFaceMetric`, the quickstart generator
and ``tools/analysis_tools/wider_face_eval.py`` share one reader:

* ``eval_tools/ground_truth``: ``wider_face_val.mat`` (``event_list``,
  ``file_list``, ``face_bbx_list``) and ``wider_{easy,medium,hard}_val.mat``
  (``gt_list``, the faces of each setting), read into
  :class:`WIDERFaceGroundTruth` and written back in the same cell layout;
* a submission folder, one ``<event>/<image>.txt`` per image: the image
  name, the number of faces N and N lines ``x y w h score``.

Boxes are ``[x, y, w, h]`` as the official files have them.  The
evaluation itself is :func:`mmext.det.evaluation.functional.\
evaluate_wider_face`.
"""
import os
import os.path as osp
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional, Tuple

import numpy as np
from scipy.io import loadmat, savemat

#: The three difficulty settings, in the official order.
SETTINGS = ('easy', 'medium', 'hard')
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


def sort_by_score(dets: np.ndarray) -> np.ndarray:
    """``(N, 5)`` detections sorted by score, descending (stable).

    Args:
        dets (np.ndarray): ``(N, 5)`` ``[x, y, w, h, score]``.

    Returns:
        np.ndarray: A float64 copy in the official order.
    """
    dets = np.asarray(dets, dtype=np.float64).reshape(-1, 5)
    return dets[np.argsort(-dets[:, 4], kind='stable')]


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
