"""ARFlow's appearance transform (AT) for the AR second pass."""
from typing import Optional, Sequence

import cv2
import mmcv
import numpy as np
from mmcv.transforms import BaseTransform

from mmext.registry import TRANSFORMS


@TRANSFORMS.register_module()
class ARAppearanceTransform(BaseTransform):
    """Make ``imgs_ph``: the frames recoloured with ONE random draw.

    As ``ap_transforms.py``: ColorJitter (factors U(1 - x, 1 + x), the four
    adjustments in random order, mmcv's PIL-equivalent ops), Gaussian blur
    with probability ``blur_prob`` and radius (sigma) ~ U(blur_radius), then
    gamma ~ U(gamma) on [0, 1] values.  ``imgs`` are left untouched: the
    first pass sees them, the second ``imgs_ph``.

    Args:
        brightness (float): Default 0.5.
        contrast (float): Default 0.5 (KITTI 0).
        saturation (float): Default 0.5 (KITTI 0).
        hue (float): max hue shift in [0, 0.5]. Default 0.
        gamma (Sequence[float], optional): Default (0.7, 1.5) (Sintel);
            None: no gamma (KITTI).
        blur_prob (float): Default 0.5.
        blur_radius (Sequence[float]): Default (0, 3).
    """

    def __init__(self,
                 brightness: float = 0.5,
                 contrast: float = 0.5,
                 saturation: float = 0.5,
                 hue: float = 0.,
                 gamma: Optional[Sequence[float]] = (0.7, 1.5),
                 blur_prob: float = 0.5,
                 blur_radius: Sequence[float] = (0., 3.)) -> None:
        self.brightness = brightness
        self.contrast = contrast
        self.saturation = saturation
        self.hue = hue
        self.gamma = gamma
        self.blur_prob = blur_prob
        self.blur_radius = blur_radius

    def _jitter_ops(self) -> list:
        ops = []
        for amount, fn in ((self.brightness, mmcv.adjust_brightness),
                           (self.contrast, mmcv.adjust_contrast),
                           (self.saturation, mmcv.adjust_color)):
            if amount > 0:
                factor = np.random.uniform(max(0., 1 - amount), 1 + amount)
                ops.append(lambda im, fn=fn, f=factor: fn(im, f))
        if self.hue > 0:
            shift = np.random.uniform(-self.hue, self.hue)
            ops.append(lambda im, s=shift: mmcv.adjust_hue(im, s))
        return [ops[i] for i in np.random.permutation(len(ops))]

    def transform(self, results: dict) -> dict:
        ops = self._jitter_ops()
        sigma = np.random.uniform(
            *self.blur_radius) if (np.random.rand() < self.blur_prob) else 0.
        gamma = np.random.uniform(*self.gamma) if self.gamma else None
        out = []
        for img in results['imgs']:
            for op in ops:
                img = op(img)
            if sigma > 0:
                img = cv2.GaussianBlur(img, (0, 0), sigma)
            if gamma is not None:
                img = np.clip(255 * (img / 255.)**gamma, 0, 255).round()
            out.append(np.asarray(img).astype(np.uint8))
        results['imgs_ph'] = out
        return results
