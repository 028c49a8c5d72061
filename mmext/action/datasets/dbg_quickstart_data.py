"""Quickstart data for DBG: synthetic ActivityNet-style features.

:func:`prepare_quickstart_data` writes, deterministically, a small dataset in
the exact on-disk layout of mmaction2's ActivityNet feature data
(``tools/data/activitynet``), so mmaction2's ``ActivityNetDataset``,
``LoadLocalizationFeature``, ``GenerateLocalizationLabels`` and
``ANetMetric`` read it unchanged::

    <data_root>/anet_anno_train.json
    <data_root>/anet_anno_val.json
    <data_root>/activitynet_feature_cuhk/csv_mean_100/v_<id>.csv

Each CSV has a header ``f0,...,f399`` and 100 rows (the ``csv_mean_100``
rescaling) of 200 "RGB" then 200 "flow" channels.  Each video holds one to
three actions.  Row t is background noise plus, weighted by the fraction of
the t-th hundredth of the video that an action covers (as mean-pooling the
snippets would give), the action class's signature: a sparse pattern on a
few RGB and flow channels.  A localizer can learn where actions are, and so
beat an untrained one by far, but not trivially: the noise is as large as
the signature on every channel.
"""
import json
import os
import os.path as osp
from typing import Dict, List

import numpy as np

from mmext.quickstart import write_once

#: Bumped when the generated data changes; a cache of another version is
#: rewritten.
VERSION = '1'
TEMPORAL_DIM = 100
STREAM_DIM = 200
NUM_TRAIN = 64
NUM_VAL = 24
CLASSES = ('Quickstart jumping', 'Quickstart rowing', 'Quickstart juggling')
FEATURE_DIR = 'activitynet_feature_cuhk/csv_mean_100'
_SIGNATURE_CHANNELS = 24  # active channels per stream and class
_MARKER = '.complete'


def _video_ids(rng: np.random.Generator, num: int) -> List[str]:
    alphabet = np.array(
        list('abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRS'
             'TUVWXYZ0123456789-_'))
    ids = set()
    while len(ids) < num:
        ids.add('v_' + ''.join(rng.choice(alphabet, 11)))
    return sorted(ids)


def _segments(rng: np.random.Generator) -> List[List[float]]:
    """1-3 disjoint normalised segments, short and long ones."""
    num = int(rng.choice([1, 1, 2, 2, 3]))
    lengths = np.where(
        rng.random(num) < 0.5, rng.uniform(0.04, 0.2, num),
        rng.uniform(0.2, 0.8 / num, num))
    gaps = rng.dirichlet(np.ones(num + 1)) * (1 - lengths.sum())
    segments, position = [], 0.
    for gap, length in zip(gaps, lengths):
        position += gap
        segments.append([position, position + length])
        position += length
    return segments


def _coverage(segment: List[float]) -> np.ndarray:
    """Fraction of each of the T anchors [t / T, (t + 1) / T] covered."""
    grid = np.arange(TEMPORAL_DIM)
    lo = np.maximum(grid / TEMPORAL_DIM, segment[0])
    hi = np.minimum((grid + 1) / TEMPORAL_DIM, segment[1])
    return np.clip(hi - lo, 0, None) * TEMPORAL_DIM


def _make_video(rng: np.random.Generator,
                signatures: np.ndarray) -> Dict[str, object]:
    fps = float(rng.choice([24., 25., 30.]))
    duration_second = round(float(rng.uniform(20, 200)), 2)
    duration_frame = int(round(duration_second * fps))
    feature_frame = duration_frame // 16 * 16
    corrected_second = feature_frame / duration_frame * duration_second
    features = rng.normal(0, 1, (TEMPORAL_DIM, 2 * STREAM_DIM))
    annotations = []
    for segment in _segments(rng):
        label = int(rng.integers(len(CLASSES)))
        strength = rng.uniform(0.7, 1.3)
        features += strength * np.outer(_coverage(segment), signatures[label])
        annotations.append(
            dict(
                segment=[s * corrected_second for s in segment],
                label=CLASSES[label]))
    return dict(
        info=dict(
            duration_second=duration_second,
            duration_frame=duration_frame,
            annotations=annotations,
            feature_frame=feature_frame,
            fps=fps,
            rfps=fps),
        features=features.astype(np.float32))


def _write(root: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    signatures = np.zeros((len(CLASSES), 2 * STREAM_DIM))
    for signature in signatures:
        for stream in range(2):
            channels = stream * STREAM_DIM + rng.choice(
                STREAM_DIM, _SIGNATURE_CHANNELS, replace=False)
            signature[channels] = rng.choice([-1., 1.], _SIGNATURE_CHANNELS)
    feature_dir = osp.join(root, FEATURE_DIR)
    os.makedirs(feature_dir)
    header = ','.join(f'f{i}' for i in range(2 * STREAM_DIM))
    ids = _video_ids(rng, NUM_TRAIN + NUM_VAL)
    rng.shuffle(ids)
    splits = dict(train=sorted(ids[:NUM_TRAIN]), val=sorted(ids[NUM_TRAIN:]))
    for split, names in splits.items():
        database = {}
        for name in names:
            video = _make_video(rng, signatures)
            database[name] = video['info']
            np.savetxt(
                osp.join(feature_dir, name + '.csv'),
                video['features'],
                fmt='%.4f',
                delimiter=',',
                header=header,
                comments='')
        with open(osp.join(root, f'anet_anno_{split}.json'), 'w') as f:
            json.dump(database, f, indent=1)


def prepare_quickstart_data(data_root: str, seed: int = 2020) -> str:
    """Write the DBG quickstart data into ``data_root`` unless present.

    Idempotent: a complete dataset of the current :data:`VERSION` is left
    alone; anything else is replaced.  The data is written to a temporary
    folder first and moved into place, so an interrupted run leaves no
    half-written dataset.

    Args:
        data_root (str): Destination folder.
        seed (int): Seed of the generator. Defaults to 2020.

    Returns:
        str: ``data_root``.
    """
    return write_once(data_root, lambda tmp: _write(tmp, seed),
                      f'{VERSION} {seed}', _MARKER)
