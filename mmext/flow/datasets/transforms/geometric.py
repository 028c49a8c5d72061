"""Geometric co-augmentations keeping frames and flow consistent."""
from typing import Sequence

import mmcv
import numpy as np
from mmcv.transforms import BaseTransform

from mmext.registry import TRANSFORMS

_GT_MAPS = ('gt_flow', 'gt_valid', 'gt_occ')


@TRANSFORMS.register_module()
class FlowRandomCrop(BaseTransform):
    """Crop all frames (and the ground-truth maps) at one random position.

    Args:
        crop_size (Sequence[int]): (h, w), e.g. (384, 832) for Sintel.
    """

    def __init__(self, crop_size: Sequence[int]) -> None:
        self.crop_size = tuple(crop_size)

    def transform(self, results: dict) -> dict:
        h, w = results['imgs'][0].shape[:2]
        ch, cw = self.crop_size
        if ch > h or cw > w:
            raise ValueError(f'FlowRandomCrop: crop {ch}x{cw} larger than '
                             f'the frames {h}x{w} of '
                             f'{results.get("img_paths")}')
        y = np.random.randint(0, h - ch + 1)
        x = np.random.randint(0, w - cw + 1)
        results['imgs'] = [im[y:y + ch, x:x + cw] for im in results['imgs']]
        for key in _GT_MAPS:
            if key in results:
                results[key] = results[key][y:y + ch, x:x + cw]
        results['img_shape'] = (ch, cw)
        return results


@TRANSFORMS.register_module()
class FlowRandomFlip(BaseTransform):
    """Mirror all frames with probability ``prob``; the flow is mirrored
    and its u (horizontal) or v (vertical) component negated.

    Args:
        prob (float): Default 0.5.
        direction (str): 'horizontal' or 'vertical'. Default 'horizontal'.
    """

    def __init__(self,
                 prob: float = 0.5,
                 direction: str = 'horizontal') -> None:
        if direction not in ('horizontal', 'vertical'):
            raise ValueError(f'FlowRandomFlip: direction {direction!r}')
        self.prob = prob
        self.direction = direction

    def transform(self, results: dict) -> dict:
        if np.random.rand() >= self.prob:
            return results
        axis = 1 if self.direction == 'horizontal' else 0
        results['imgs'] = [
            np.ascontiguousarray(np.flip(im, axis)) for im in results['imgs']
        ]
        for key in _GT_MAPS:
            if key in results:
                results[key] = np.ascontiguousarray(
                    np.flip(results[key], axis))
        if 'gt_flow' in results:
            results['gt_flow'][..., 1 - axis] *= -1
        return results


@TRANSFORMS.register_module()
class FlowTemporalSwap(BaseTransform):
    """Reverse the frame order with probability ``prob`` (ARFlow's
    ``swap``); for unsupervised training, where no flow label exists.

    Args:
        prob (float): Default 0.5.
    """

    def __init__(self, prob: float = 0.5) -> None:
        self.prob = prob

    def transform(self, results: dict) -> dict:
        if 'gt_flow' in results:
            raise ValueError('FlowTemporalSwap: the sample has a forward '
                             'flow label, whose backward flow is unknown; '
                             'swap only unlabelled pairs')
        if np.random.rand() < self.prob:
            results['imgs'] = results['imgs'][::-1]
        return results


@TRANSFORMS.register_module()
class FlowResize(BaseTransform):
    """Resize the frames to ``scale`` = (h, w) (bilinear), e.g. KITTI's
    256 x 832 training size.  Ground-truth flow is not resized here (KITTI
    labels are sparse); evaluation resizes inside the model instead.

    Args:
        scale (Sequence[int]): (h, w).
    """

    def __init__(self, scale: Sequence[int]) -> None:
        self.scale = tuple(scale)

    def transform(self, results: dict) -> dict:
        if 'gt_flow' in results:
            raise ValueError('FlowResize: resize frames of unlabelled pairs '
                             'only; set the model test_size to evaluate at '
                             'another size')
        h, w = self.scale
        results['imgs'] = [
            mmcv.imresize(im, (w, h), interpolation='bilinear')
            for im in results['imgs']
        ]
        results['img_shape'] = (h, w)
        return results
