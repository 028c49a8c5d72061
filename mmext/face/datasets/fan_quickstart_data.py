"""Deterministic quickstart data of FAN: HR training faces, LR test pairs.

Training data: the synthetic identities of the CurricularFace quickstart
(:mod:`mmext.face.datasets.face_identity_quickstart_data`, 200 identities x
12 images, 112x112) in ``train.rec`` / ``train.idx``; FAN's LR training
inputs are made from them by :class:`RandomScaleAugment` in the pipeline
(paired LR / HR).

Test data: ``val_lr.bin``, 400 pairs of 60 *unseen* identities (the pairs of
the CurricularFace quickstart's ``val.bin``), each an HR 112x112 face and a
low-resolution probe: the second image of the pair rendered anew and stored
with its shorter side drawn from 12-16 px (``RandomLowResolution.degrade``,
area downsampling), as a surveillance probe against an enrolment photo.
The test pipeline resizes it back to 112x112.
"""
import os.path as osp

import cv2
import numpy as np

from mmext.quickstart import write_once
from .face_identity_quickstart_data import make_val_pairs, write_train_set
from .transforms.random_low_resolution import RandomLowResolution
from .verification_bin import dump_bin

VERSION = 'fan-quickstart-1'
#: Shorter side range of the stored LR probes.
PROBE_SIDES = (12, 16)
PROBE_SEED = 8_000_000


def _degrade(encoded: bytes, side: int) -> bytes:
    img = cv2.imdecode(np.frombuffer(encoded, np.uint8), cv2.IMREAD_COLOR)
    small = RandomLowResolution(keep_size=False).degrade(img, side)
    ok, buf = cv2.imencode('.png', small)
    assert ok, 'PNG encoding failed'
    return buf.tobytes()


def make_lr_pairs():
    """The quickstart's HR pairs with the second image of each degraded."""
    bins, issame = make_val_pairs()
    rng = np.random.RandomState(PROBE_SEED)
    lr = list(bins)
    for i in range(1, len(bins), 2):
        lr[i] = _degrade(bins[i], rng.randint(PROBE_SIDES[0],
                                              PROBE_SIDES[1] + 1))
    return lr, issame


def _write(root: str) -> None:
    write_train_set(root)
    bins, issame = make_lr_pairs()
    dump_bin(osp.join(root, 'val_lr.bin'), bins, issame)


def prepare_quickstart_data(data_root: str) -> str:
    """Write the FAN quickstart data under ``data_root`` if missing.

    See the module docstring; the output depends on nothing but the code
    (:func:`mmext.quickstart.write_once`).

    Args:
        data_root (str): The folder to write into.

    Returns:
        str: ``data_root``.
    """
    return write_once(data_root, _write,
                      f'{VERSION} {PROBE_SIDES} {PROBE_SEED}')
