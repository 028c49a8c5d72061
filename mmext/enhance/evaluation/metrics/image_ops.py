"""Image preparation shared by the metrics (mmagic's ``img_transform``)."""
from typing import Optional

import numpy as np
import torch


def to_hwc_float(img, name: str) -> np.ndarray:
    """A (3, H, W) tensor / array on [0, 255] as (H, W, 3) float64."""
    if isinstance(img, torch.Tensor):
        img = img.detach().cpu().numpy()
    img = np.asarray(img, np.float64)
    if img.ndim != 3 or img.shape[0] not in (1, 3):
        raise ValueError(f'{name}: expected (C, H, W) with C 1 or 3, got '
                         f'{img.shape}')
    return img.transpose(1, 2, 0)


def rgb_to_y(img: np.ndarray) -> np.ndarray:
    """ITU-R BT.601 luma Y of (H, W, 3) RGB on [0, 255] (MATLAB's
    ``rgb2ycbcr``, 16-235), as (H, W, 1) float64; mmagic's
    ``convert_to='Y'``."""
    y = img @ np.array([65.481, 128.553, 24.966]) / 255. + 16.
    return y[..., None]


def prepare(img: np.ndarray, crop_border: int,
            convert_to: Optional[str]) -> np.ndarray:
    """Crop ``crop_border`` pixels off every side, then optionally Y.

    Args:
        img (np.ndarray): (H, W, 3) float64 RGB on [0, 255].
        crop_border (int): pixels removed at each border.
        convert_to (str, optional): None (RGB) or 'Y'.

    Returns:
        np.ndarray: (H', W', C) float64.
    """
    if convert_to not in (None, 'Y', 'y'):
        raise ValueError(f'convert_to={convert_to!r}: expected None or "Y"')
    if crop_border:
        img = img[crop_border:-crop_border, crop_border:-crop_border]
    if convert_to is not None and img.shape[2] == 3:
        img = rgb_to_y(img)
    return img


def gt_mean_scaled(pred: np.ndarray, gt: np.ndarray) -> np.ndarray:
    """The "GT-mean" correction: ``pred`` x mean gray(gt) / mean
    gray(pred), clipped to [0, 255] (gray: BT.601 0.299 / 0.587 / 0.114,
    as OpenCV's ``RGB2GRAY`` in the KinD / LLFlow scripts).

    Args:
        pred (np.ndarray): (H, W, 3) RGB on [0, 255].
        gt (np.ndarray): (H, W, 3) RGB on [0, 255].
    """
    weights = np.array([0.299, 0.587, 0.114])
    mean_pred = float((pred @ weights).mean())
    mean_gt = float((gt @ weights).mean())
    return np.clip(pred * (mean_gt / max(mean_pred, 1e-12)), 0., 255.)
