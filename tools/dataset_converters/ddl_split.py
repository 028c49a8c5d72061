"""Write DDL's split and pair files for a face training set.

DDL (ECCV 2020) trains on an easy and a hard branch of one data set. Neither
the paper nor TFace releases how its splits were made (TFace issue #30), so
this tool offers the three splits the paper's experiments name, each with
its rule stated here:

- ``degrade`` (resolution, e.g. MS1MV2): every image is easy and hard; the
  hard branch is the easy data degraded in the config
  (``RandomLowResolution`` in ``hard_pipeline``).
- ``pose`` (e.g. VGGFace2): the yaw of each face from its five landmarks
  (``--landmarks``, VGGFace2's ``loose_landmark_*.csv`` layout:
  ``NAME_ID,P1X,P1Y,...,P5X,P5Y``, eyes, nose, mouth corners). A face is
  hard when ``|yaw| >= --yaw-thr`` degrees, easy otherwise. The yaw is
  ``atan(r / --nose-depth)`` with ``r`` the horizontal offset of the nose
  from the eyes' midpoint over the eye distance: a face turned by ``y``
  moves a nose of depth ``d`` (in eye distances) by ``d sin y`` while the
  eye distance shrinks by ``cos y``. ``--nose-depth 0.5`` is our choice.
- ``size`` (face size): the shorter side of each face's box
  (``--boxes``, VGGFace2's ``loose_bb_*.csv``: ``NAME_ID,X,Y,W,H``); hard
  when it is below ``--size-thr`` pixels.

The CSV names are matched to the data set's keys without extension
(``n000002/0001_01`` for ``n000002/0001_01.jpg`` of an identity-folder
set; the record key for RecordIO). Faces that no CSV line names are left
out and counted.

Pairs: ``--pairs-per-id`` positive pairs per identity, drawn without
repeating a pair where the identity has enough images. Easy pairs join two
easy images; hard pairs an easy (first) and a hard (second) image, as
``DDLBranchDataset(hard_pair='hr_degraded')`` reads them (``degrade``: two
images of the identity, the second degraded at load time). An identity
without two images for a pair list is refused from that list and counted.

Usage::

    python tools/dataset_converters/ddl_split.py degrade \
        --rec data/faces_emore/train.rec --out data/faces_emore/ddl_split
    python tools/dataset_converters/ddl_split.py pose \
        --folder data/vggface2/train \
        --landmarks data/vggface2/bb_landmark/loose_landmark_train.csv \
        --yaw-thr 45 --out data/vggface2/ddl_split

The output folder gets ``easy.txt``, ``hard.txt``, ``pairs_easy.txt`` and
``pairs_hard.txt`` (the files of ``configs/_base_/datasets/
face_ddl_branches.py``); the counts are printed.
"""
import argparse
import csv
import os
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np

import mmext  # noqa: F401  compat shims before any toolbox import


def load_keys(rec: Optional[str] = None,
              folder: Optional[str] = None) -> Tuple[List[str], np.ndarray]:
    """Keys (as split files name them) and identity labels of a data set.

    Args:
        rec (str, optional): A ``train.rec`` (with its ``.idx``).
        folder (str, optional): A folder of identity sub-folders.

    Returns:
        tuple: ``(keys, labels)``, one per image.
    """
    from mmext.face.datasets import FaceFolderDataset, FaceRecordIODataset
    from mmext.face.datasets.ddl_branch_dataset import (sample_keys,
                                                        sample_labels)
    if (rec is None) == (folder is None):
        raise ValueError('give exactly one of --rec and --folder')
    if rec is not None:
        dataset = FaceRecordIODataset(
            data_root=osp.dirname(rec), rec_file=osp.basename(rec))
    else:
        dataset = FaceFolderDataset(data_prefix=folder)
    return sample_keys(dataset), sample_labels(dataset)


def _read_csv(path: str, num_values: int) -> Dict[str, np.ndarray]:
    """``NAME_ID, v1 .. vn`` rows of a VGGFace2 metadata CSV."""
    rows = {}
    with open(path, newline='') as f:
        for line_no, row in enumerate(csv.reader(f), 1):
            if not row or row[0].startswith('#'):
                continue
            if line_no == 1 and row[0].strip().upper() == 'NAME_ID':
                continue  # header
            if len(row) != num_values + 1:
                raise ValueError(f'{path}, line {line_no}: expected a name '
                                 f'and {num_values} numbers, got {len(row)} '
                                 'fields')
            try:
                values = np.array([float(v) for v in row[1:]])
            except ValueError as e:
                raise ValueError(f'{path}, line {line_no}: {e}') from None
            rows[row[0].strip()] = values
    return rows


def yaw_from_landmarks(points: np.ndarray,
                       nose_depth: float = 0.5) -> np.ndarray:
    """Approximate yaw in degrees from five landmarks.

    Args:
        points (np.ndarray): ``(N, 10)``: x, y of the left eye, right eye,
            nose, left and right mouth corner.
        nose_depth (float): Depth of the nose tip in front of the eyes, in
            eye distances.

    Returns:
        np.ndarray: ``(N,)`` yaw, positive when the nose is right of the
        eyes' midpoint in the image.
    """
    points = np.asarray(points, dtype=np.float64).reshape(-1, 5, 2)
    left, right, nose = points[:, 0], points[:, 1], points[:, 2]
    eye_dist = np.linalg.norm(right - left, axis=1)
    offset = nose[:, 0] - (left[:, 0] + right[:, 0]) / 2
    ratio = offset / np.maximum(eye_dist, 1e-6)
    return np.degrees(np.arctan(ratio / nose_depth))


def _match(keys: Sequence[str], rows: Dict[str, np.ndarray]
           ) -> Tuple[np.ndarray, np.ndarray]:
    """Rows aligned to ``keys`` (NaN where no row) and a found mask."""
    width = len(next(iter(rows.values()))) if rows else 1
    values = np.full((len(keys), width), np.nan)
    found = np.zeros(len(keys), dtype=bool)
    for i, key in enumerate(keys):
        row = rows.get(osp.splitext(key)[0], rows.get(key))
        if row is not None:
            values[i] = row
            found[i] = True
    return values, found


def split_hard(keys: Sequence[str], mode: str, landmarks: Optional[str],
               boxes: Optional[str], yaw_thr: float, size_thr: float,
               nose_depth: float) -> Tuple[np.ndarray, np.ndarray]:
    """Easy and hard masks over ``keys`` (see the module docstring)."""
    if mode == 'degrade':
        every = np.ones(len(keys), dtype=bool)
        return every, every.copy()
    if mode == 'pose':
        if landmarks is None:
            raise ValueError('the pose split needs --landmarks')
        values, found = _match(keys, _read_csv(landmarks, 10))
        hard = np.zeros(len(keys), dtype=bool)
        hard[found] = np.abs(yaw_from_landmarks(values[found],
                                                nose_depth)) >= yaw_thr
    elif mode == 'size':
        if boxes is None:
            raise ValueError('the size split needs --boxes')
        values, found = _match(keys, _read_csv(boxes, 4))
        hard = np.zeros(len(keys), dtype=bool)
        hard[found] = np.minimum(values[found, 2], values[found, 3]) < \
            size_thr
    else:
        raise ValueError(f'unknown split mode {mode!r}')
    return found & ~hard, hard


def draw_pairs(labels: np.ndarray, first: np.ndarray, second: np.ndarray,
               pairs_per_id: int, rng: np.random.RandomState
               ) -> Tuple[List[Tuple[int, int]], int]:
    """Positive pairs (first-set image, second-set image) per identity.

    Args:
        labels (np.ndarray): ``(N,)`` identity labels.
        first, second (np.ndarray): ``(N,)`` masks of the images allowed as
            the first and the second image of a pair.
        pairs_per_id (int): Pairs per identity.
        rng (np.random.RandomState): The random source.

    Returns:
        tuple: the pairs as index tuples, and the number of refused
        identities (no two distinct images for a pair).
    """
    pairs, refused = [], 0
    order = np.argsort(labels, kind='stable')
    bounds = np.flatnonzero(np.diff(labels[order])) + 1
    for members in np.split(order, bounds):
        a_pool = members[first[members]]
        b_pool = members[second[members]]
        distinct = len(a_pool) * len(b_pool) - len(
            np.intersect1d(a_pool, b_pool))
        if distinct == 0:
            refused += 1
            continue
        drawn: Dict[Tuple[int, int], None] = {}
        while len(drawn) < min(pairs_per_id, distinct):
            a, b = int(rng.choice(a_pool)), int(rng.choice(b_pool))
            if a != b:
                drawn[(a, b)] = None
        drawn_list = list(drawn)
        while len(drawn_list) < pairs_per_id:  # few images: repeat pairs
            drawn_list.append(drawn_list[len(drawn_list) % len(drawn)])
        pairs.extend(drawn_list)
    return pairs, refused


def _write(path: str, lines: Sequence[str]) -> None:
    with open(path, 'w') as f:
        f.write(''.join(f'{line}\n' for line in lines))


def write_split(keys: Sequence[str], labels: np.ndarray, easy: np.ndarray,
                hard: np.ndarray, out: str, pairs_per_id: int = 3,
                seed: int = 0) -> Dict[str, int]:
    """Write the four files and return their counts.

    Raises:
        FileExistsError: A split file is already in ``out`` (nothing is
            overwritten).
    """
    names = ('easy.txt', 'hard.txt', 'pairs_easy.txt', 'pairs_hard.txt')
    os.makedirs(out, exist_ok=True)
    for name in names:
        if osp.exists(osp.join(out, name)):
            raise FileExistsError(f'{osp.join(out, name)} exists; remove it '
                                  'or choose another --out')
    rng = np.random.RandomState(seed)
    pairs_easy, refused_easy = draw_pairs(labels, easy, easy, pairs_per_id,
                                          rng)
    pairs_hard, refused_hard = draw_pairs(labels, easy, hard, pairs_per_id,
                                          rng)
    keys = list(keys)
    _write(osp.join(out, names[0]), [keys[i] for i in np.flatnonzero(easy)])
    _write(osp.join(out, names[1]), [keys[i] for i in np.flatnonzero(hard)])
    _write(osp.join(out, names[2]),
           [f'{keys[a]} {keys[b]}' for a, b in pairs_easy])
    _write(osp.join(out, names[3]),
           [f'{keys[a]} {keys[b]}' for a, b in pairs_hard])
    return dict(
        images=len(keys),
        identities=len(np.unique(labels)),
        easy=int(easy.sum()),
        hard=int(hard.sum()),
        unassigned=int((~easy & ~hard).sum()),
        pairs_easy=len(pairs_easy),
        pairs_hard=len(pairs_hard),
        refused_ids_easy_pairs=refused_easy,
        refused_ids_hard_pairs=refused_hard)


def parse_args(argv: Optional[Sequence[str]] = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Write DDL easy/hard split and pair files')
    parser.add_argument('mode', choices=['degrade', 'pose', 'size'])
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument('--rec', help='train.rec of a RecordIO set')
    source.add_argument('--folder', help='folder of identity sub-folders')
    parser.add_argument('--out', required=True, help='output folder')
    parser.add_argument('--landmarks', help='five-landmark CSV (pose)')
    parser.add_argument('--boxes', help='face box CSV (size)')
    parser.add_argument(
        '--yaw-thr', type=float, default=45., help='hard from this |yaw|')
    parser.add_argument(
        '--nose-depth', type=float, default=0.5,
        help='nose depth in eye distances for the yaw estimate')
    parser.add_argument(
        '--size-thr', type=float, default=40.,
        help='hard below this shorter box side (pixels)')
    parser.add_argument('--pairs-per-id', type=int, default=3)
    parser.add_argument('--seed', type=int, default=0)
    return parser.parse_args(argv)


def main(argv: Optional[Sequence[str]] = None) -> Dict[str, int]:
    args = parse_args(argv)
    keys, labels = load_keys(args.rec, args.folder)
    easy, hard = split_hard(keys, args.mode, args.landmarks, args.boxes,
                            args.yaw_thr, args.size_thr, args.nose_depth)
    counts = write_split(keys, labels, easy, hard, args.out,
                         args.pairs_per_id, args.seed)
    width = max(map(len, counts))
    for name, value in counts.items():
        print(f'{name:<{width}}  {value}')
    if counts['hard'] == 0 or counts['easy'] == 0:
        print('warning: a branch is empty; check the threshold')
    return counts


if __name__ == '__main__':
    main()
