"""Geometric augmentations applied identically to input and target."""
from typing import Sequence

import numpy as np
from mmcv.transforms import BaseTransform

from mmext.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PairedRandomCrop(BaseTransform):
    """Crop ``img`` and ``gt`` at one random position.

    Args:
        crop_size (Sequence[int]): (h, w).
    """

    def __init__(self, crop_size: Sequence[int]) -> None:
        self.crop_size = tuple(crop_size)

    def transform(self, results: dict) -> dict:
        h, w = results['img'].shape[:2]
        ch, cw = self.crop_size
        if ch > h or cw > w:
            raise ValueError(f'PairedRandomCrop: crop {ch}x{cw} larger than '
                             f'the image {h}x{w} of {results.get("img_path")}')
        y = np.random.randint(0, h - ch + 1)
        x = np.random.randint(0, w - cw + 1)
        for key in ('img', 'gt'):
            results[key] = results[key][y:y + ch, x:x + cw]
        results['img_shape'] = (ch, cw)
        return results


@TRANSFORMS.register_module()
class PairedRandomFlip(BaseTransform):
    """Mirror ``img`` and ``gt`` together with probability ``prob``.

    Args:
        prob (float): Default 0.5.
        direction (str): 'horizontal' or 'vertical'. Default 'horizontal'.
    """

    def __init__(self,
                 prob: float = 0.5,
                 direction: str = 'horizontal') -> None:
        if direction not in ('horizontal', 'vertical'):
            raise ValueError(f'PairedRandomFlip: direction {direction!r}')
        self.prob = prob
        self.direction = direction

    def transform(self, results: dict) -> dict:
        if np.random.rand() < self.prob:
            axis = 1 if self.direction == 'horizontal' else 0
            for key in ('img', 'gt'):
                results[key] = np.flip(results[key], axis)
        return results
