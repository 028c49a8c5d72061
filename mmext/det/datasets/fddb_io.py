"""The FDDB files: fold annotations, detection outputs and ROC curves.

The formats of the official release and of its ``evaluate`` program
(Jain and Learned-Miller, 2010), shared by :class:`FDDBDataset`,
:class:`~mmext.det.evaluation.FDDBMetric` and
``tools/analysis_tools/fddb_eval.py``:

* ``FDDB-folds/FDDB-fold-XX-ellipseList.txt``: per image its path without
  extension (``2002/08/11/big/img_591``), the number of faces N and N
  lines ``major_axis_radius minor_axis_radius angle center_x center_y 1``;
* a detection output (``fold-XX-out.txt`` or one file for every fold), the
  same blocks with N lines ``left_x top_y width height detection_score``;
* the ROC written by ``evaluate``: ``<prefix>DiscROC.txt`` (``TPR FP
  threshold``) and ``<prefix>ContROC.txt`` (``TPR FP``), by ascending
  threshold.

The evaluation itself is :func:`mmext.det.evaluation.functional.\
evaluate_fddb`.
"""
import glob
import os
import os.path as osp
from typing import Callable, Dict, Iterator, List, Mapping, Tuple

import numpy as np

#: Fold annotation files inside the ``FDDB-folds`` folder.
FOLD_PATTERN = 'FDDB-fold-*-ellipseList.txt'


def fddb_annotation_files(ann_file: str) -> List[str]:
    """``ann_file`` itself, or every fold file when it is a folder.

    Args:
        ann_file (str): An ``FDDB-fold-XX-ellipseList.txt`` file or the
            ``FDDB-folds`` folder.

    Returns:
        list[str]: The annotation files, folds in order.

    Raises:
        FileNotFoundError: If a folder holds no fold file.
    """
    if not osp.isdir(ann_file):
        return [ann_file]
    files = sorted(glob.glob(osp.join(ann_file, FOLD_PATTERN)))
    if not files:
        raise FileNotFoundError(f'no {FOLD_PATTERN} in {ann_file}')
    return files


def _blocks(path: str, text: str) -> Iterator[Tuple[str, int, List[str]]]:
    """The ``name / N / N rows`` blocks of an FDDB file.

    Yields:
        tuple[str, int, list[str]]: The image name, the 1-based line number
        of its first row and its rows.
    """
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    i = 0
    while i < len(lines):
        name = lines[i].strip()
        if not name or len(name.split()) != 1:
            raise ValueError(f'{path}:{i + 1}: expected an image path, got '
                             f'{lines[i]!r}')
        count = lines[i + 1].strip() if i + 1 < len(lines) else ''
        if not count.isdigit():
            raise ValueError(f'{path}:{i + 2}: expected the number of '
                             f'faces, got {count!r}')
        rows = lines[i + 2:i + 2 + int(count)]
        if len(rows) < int(count):
            raise ValueError(f'{path}:{len(lines) + 1}: {name} announces '
                             f'{count} faces, the file ends after '
                             f'{len(rows)}')
        yield name, i + 3, rows
        i += 2 + int(count)


def _parse(path: str, text: str,
           parse_row: Callable[[str, str], List[float]],
           width: int) -> List[Tuple[str, np.ndarray]]:
    """Every block of an FDDB file, each row read by ``parse_row``."""
    images = []
    for name, first, rows in _blocks(path, text):
        values = [
            parse_row(f'{path}:{first + k}', row) for k, row in enumerate(rows)
        ]
        images.append((name, np.array(values,
                                      dtype=np.float64).reshape(-1, width)))
    return images


def _numbers(row: str) -> List[float]:
    """The numbers of a row, or ``[]`` when one is not a number."""
    try:
        return [float(v) for v in row.split()]
    except ValueError:
        return []


def _ellipse_row(where: str, row: str) -> List[float]:
    """``[ra, rb, theta, cx, cy]`` of an ``ellipseList`` face line."""
    values = _numbers(row)
    if len(values) != 6:
        raise ValueError(f'{where}: expected "major_axis_radius '
                         'minor_axis_radius angle center_x center_y 1", got '
                         f'{row!r}')
    if not (np.isfinite(values).all() and values[0] > 0 and values[1] > 0):
        raise ValueError(f'{where}: an ellipse needs finite values and '
                         'positive major and minor axis radii, got '
                         f'{row!r}')
    return values[:5]


def _detection_row(where: str, row: str) -> List[float]:
    """``[x, y, w, h, score]`` of a detection line."""
    values = _numbers(row)
    if len(values) != 5 or not np.isfinite(values).all():
        raise ValueError(f'{where}: expected five finite numbers "left_x '
                         f'top_y width height detection_score", got {row!r}')
    return values


def parse_fddb_ellipse_list(path: str,
                            text: str) -> List[Tuple[str, np.ndarray]]:
    """Parse an ``FDDB-fold-XX-ellipseList.txt`` file.

    Each image is its path without extension (``2002/08/11/big/img_591``),
    the number of faces N and N lines ``ra rb theta cx cy 1``.

    Args:
        path (str): The file name, for error messages.
        text (str): The file content.

    Returns:
        list[tuple[str, np.ndarray]]: Image id and ``(N, 5)`` ellipses.

    Raises:
        ValueError: On a malformed line (the message names file and line).
    """
    return _parse(path, text, _ellipse_row, 5)


def parse_fddb_detections(path: str,
                          text: str) -> List[Tuple[str, np.ndarray]]:
    """Parse a detection output of the official ``evaluate`` program.

    Each image is its path without extension, the number of detections N
    and N lines ``left_x top_y width height detection_score``.

    Args:
        path (str): The file name, for error messages.
        text (str): The file content.

    Returns:
        list[tuple[str, np.ndarray]]: Image id and ``(N, 5)``
        ``[x, y, w, h, score]``.

    Raises:
        ValueError: On a malformed line (the message names file and line).
    """
    return _parse(path, text, _detection_row, 5)


def write_fddb_detections(path: str,
                          predictions: Mapping[str, np.ndarray]) -> None:
    """Write a detection output that :func:`parse_fddb_detections` reads.

    Numbers are written with 17 significant digits, so reading the file
    back gives the same float64 values.

    Args:
        path (str): The output file (its folder is created).
        predictions (Mapping[str, np.ndarray]): Image id to ``(N, 5)``
            ``[x, y, w, h, score]``, written in this order.
    """
    os.makedirs(osp.dirname(path) or '.', exist_ok=True)
    with open(path, 'w') as f:
        for key, dets in predictions.items():
            dets = np.asarray(dets, dtype=np.float64).reshape(-1, 5)
            f.write(f'{key}\n{len(dets)}\n')
            np.savetxt(f, dets, fmt='%.17g')


def write_fddb_roc(prefix: str, roc: np.ndarray) -> Dict[str, str]:
    """The official ROC files, by ascending threshold.

    Args:
        prefix (str): ``<prefix>DiscROC.txt`` and ``<prefix>ContROC.txt``
            are written (the folder is created).
        roc (np.ndarray): ``(T, 4)`` ``[threshold, false positives,
            discrete TPR, continuous TPR]`` by descending threshold, as
            ``evaluate_fddb(..., return_roc=True)`` returns it.

    Returns:
        dict[str, str]: ``disc`` and ``cont``, the two file names.
    """
    os.makedirs(osp.dirname(prefix) or '.', exist_ok=True)
    roc = roc[::-1]
    files = dict(disc=prefix + 'DiscROC.txt', cont=prefix + 'ContROC.txt')
    np.savetxt(files['disc'], roc[:, [2, 1, 0]], fmt='%.10g')
    np.savetxt(files['cont'], roc[:, [3, 1]], fmt='%.10g')
    return files


def ellipse_bboxes(ellipses: np.ndarray) -> np.ndarray:
    """Axis-aligned ``[x1, y1, x2, y2]`` boxes enclosing rotated ellipses.

    Args:
        ellipses (np.ndarray): ``(K, 5)`` ``[ra, rb, theta, cx, cy]``.

    Returns:
        np.ndarray: ``(K, 4)`` boxes.
    """
    ra, rb, theta, cx, cy = ellipses.T
    half_w = np.hypot(ra * np.cos(theta), rb * np.sin(theta))
    half_h = np.hypot(ra * np.sin(theta), rb * np.cos(theta))
    return np.stack([cx - half_w, cy - half_h, cx + half_w, cy + half_h], 1)
