"""The identity's PSNR on a paired set: the quickstart's reference row."""
import os
import os.path as osp

import cv2
import numpy as np

from .metrics import psnr


def input_psnr(data_root: str, split: str = 'eval15') -> float:
    """Mean PSNR of the low-light inputs against their ground truth, i.e.
    what :class:`~mmext.enhance.evaluation.PSNR` gives for the identity.

    Args:
        data_root (str): a LOL-v1 layout root (``<split>/low``,
            ``<split>/high``), e.g. the quickstart data.
        split (str): 'our485' or 'eval15'. Default 'eval15'.
    """
    folder = osp.join(data_root, split)
    values = []
    for name in sorted(os.listdir(osp.join(folder, 'low'))):
        low = cv2.imread(osp.join(folder, 'low', name))
        high = cv2.imread(osp.join(folder, 'high', name))
        if low is None or high is None:
            raise FileNotFoundError(
                f'{osp.join(folder, "low", name)} or its high/ pair '
                'is missing or not an image')
        values.append(psnr(low.astype(np.float64), high.astype(np.float64)))
    return float(np.mean(values))


def quickstart_input_psnr(cfg) -> float:
    """:func:`input_psnr` on the quickstart test split of a config
    (``quickstart.reference.compute`` of ``tools/quickstart.py``)."""
    return input_psnr(cfg.data_root, 'eval15')
