"""Deterministic quickstart data of DDL: branches and an SCface-layout test.

Training data: the synthetic identities of the CurricularFace quickstart
(:mod:`mmext.face.datasets.face_identity_quickstart_data`, 200 identities x
12 images) in ``train.rec`` / ``train.idx``, with the DDL split files that
``tools/dataset_converters/ddl_split.py`` writes for real data:

- ``easy.txt`` and ``hard.txt``: every record key (the hard branch is the
  easy data degraded by ``RandomLowResolution`` in the config);
- ``pairs_easy.txt`` and ``pairs_hard.txt``: 3 positive pairs per identity
  each, drawn independently.

Test data, in the layout :class:`SCfaceDataset` reads, on 60 *unseen*
identities: one 112x112 mugshot per subject (``mugshot/<s>_frontal.jpg``)
and, per subject, 3 cameras x 3 distances of surveillance images
(``surveillance/<s>_cam<c>_<d>.jpg``), each a new rendering of the subject
stored at a decreasing resolution with the distance: d3 (near) 36 px, d2
20 px, d1 (far) 14 px (shorter side, via
``RandomLowResolution.degrade(keep_size=False)``), and
``test_subjects.txt`` listing them.
"""
import os
import os.path as osp

import cv2
import numpy as np

from mmext.quickstart import write_once
from .face_identity_quickstart_data import (render_face, sample_identity,
                                            write_train_set)
from .transforms.random_low_resolution import RandomLowResolution

VERSION = 'ddl-quickstart-1'
PAIRS_PER_ID = 3
NUM_TEST_IDS = 60
NUM_CAMERAS = 3
#: Shorter side of the stored surveillance images per distance.
DISTANCE_SIDES = {1: 14, 2: 20, 3: 36}
SPLIT_SEED = 11
TEST_SEED = 9_000_000


def _pairs(labels: np.ndarray, keys: np.ndarray,
           rng: np.random.RandomState) -> list:
    lines = []
    for label in np.unique(labels):
        members = keys[labels == label]
        for _ in range(PAIRS_PER_ID):
            a, b = rng.choice(len(members), 2, replace=False)
            lines.append(f'{members[a]} {members[b]}')
    return lines


def _write_lines(path: str, lines) -> None:
    with open(path, 'w') as f:
        f.write(''.join(f'{line}\n' for line in lines))


def _write_scface(root: str) -> None:
    degrade = RandomLowResolution(keep_size=False)
    mugshots = osp.join(root, 'mugshot')
    probes = osp.join(root, 'surveillance')
    os.makedirs(mugshots)
    os.makedirs(probes)
    subjects = []
    for index in range(NUM_TEST_IDS):
        rng = np.random.RandomState(TEST_SEED + index)
        identity = sample_identity(rng)
        subject = f'{index + 1:03d}'
        subjects.append(subject)
        bgr = cv2.cvtColor(render_face(identity, rng), cv2.COLOR_RGB2BGR)
        cv2.imwrite(osp.join(mugshots, f'{subject}_frontal.jpg'), bgr,
                    [cv2.IMWRITE_JPEG_QUALITY, 95])
        for camera in range(1, NUM_CAMERAS + 1):
            for distance, side in DISTANCE_SIDES.items():
                bgr = cv2.cvtColor(render_face(identity, rng),
                                   cv2.COLOR_RGB2BGR)
                small = degrade.degrade(bgr, side)
                cv2.imwrite(
                    osp.join(probes, f'{subject}_cam{camera}_{distance}.jpg'),
                    small, [cv2.IMWRITE_JPEG_QUALITY, 90])
    _write_lines(osp.join(root, 'test_subjects.txt'), subjects)


def _write(root: str) -> None:
    labels = write_train_set(root)
    # write_face_recordio puts the meta record at key 0, images at 1..N
    keys = np.arange(1, len(labels) + 1)
    _write_lines(osp.join(root, 'easy.txt'), keys)
    _write_lines(osp.join(root, 'hard.txt'), keys)
    rng = np.random.RandomState(SPLIT_SEED)
    _write_lines(osp.join(root, 'pairs_easy.txt'), _pairs(labels, keys, rng))
    _write_lines(osp.join(root, 'pairs_hard.txt'), _pairs(labels, keys, rng))
    _write_scface(osp.join(root, 'scface'))


def prepare_quickstart_data(data_root: str) -> str:
    """Write the DDL quickstart data under ``data_root`` if missing.

    See the module docstring for the content; the output depends on
    nothing but the code (:func:`mmext.quickstart.write_once`).

    Args:
        data_root (str): The folder to write into.

    Returns:
        str: ``data_root``.
    """
    return write_once(data_root, _write,
                      f'{VERSION} {SPLIT_SEED} {TEST_SEED}')
