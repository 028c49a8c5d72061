"""Reading a low-light / ground-truth pair."""
import os.path as osp

import cv2
import numpy as np
from mmcv.transforms import BaseTransform

from mmext.registry import TRANSFORMS


def read_rgb(path: str, partner: str) -> np.ndarray:
    """An 8-bit 3-channel image file as (H, W, 3) uint8 RGB.

    Args:
        path (str): the file to read.
        partner (str): the other file of the pair, named in errors.

    Raises:
        FileNotFoundError: ``path`` does not exist.
        ValueError: not decodable, or not 8-bit RGB (gray, alpha, 16-bit).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'LoadPairedImages: {path} not found '
                                f'(pair of {partner})')
    img = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if img is None:
        raise ValueError(f'LoadPairedImages: {path} (pair of {partner}) '
                         'cannot be read as an image')
    if img.ndim != 3 or img.shape[2] != 3 or img.dtype != np.uint8:
        channels = 1 if img.ndim == 2 else img.shape[2]
        raise ValueError(f'LoadPairedImages: {path} (pair of {partner}) is '
                         f'not 8-bit RGB: {channels} channel(s), '
                         f'{img.dtype}')
    return np.ascontiguousarray(img[..., ::-1])


@TRANSFORMS.register_module()
class LoadPairedImages(BaseTransform):
    """Read ``img_path`` into ``img`` and ``gt_path`` into ``gt``.

    Both (H, W, 3) uint8 RGB; a pair of different sizes, a missing file or
    a non-RGB file is an error naming both paths.

    Required keys: ``img_path``, ``gt_path``.  Added: ``img``, ``gt``,
    ``img_shape``, ``ori_shape``.
    """

    def transform(self, results: dict) -> dict:
        img_path, gt_path = results['img_path'], results['gt_path']
        img = read_rgb(img_path, gt_path)
        gt = read_rgb(gt_path, img_path)
        if img.shape != gt.shape:
            raise ValueError(f'LoadPairedImages: {img_path} is '
                             f'{img.shape[1]}x{img.shape[0]} but its target '
                             f'{gt_path} is {gt.shape[1]}x{gt.shape[0]}')
        results['img'], results['gt'] = img, gt
        results['img_shape'] = results['ori_shape'] = img.shape[:2]
        return results
