from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmcv.transforms.utils import cache_randomness
from mmpretrain.registry import TRANSFORMS

_INTERPOLATION = {
    'nearest': cv2.INTER_NEAREST,
    'bilinear': cv2.INTER_LINEAR,
    'bicubic': cv2.INTER_CUBIC,
    'area': cv2.INTER_AREA,
    'lanczos': cv2.INTER_LANCZOS4,
}


def _range(value: Optional[Sequence[float]], name: str,
           low: float) -> Optional[Tuple[float, float]]:
    if value is None:
        return None
    if len(value) != 2 or not low <= value[0] <= value[1]:
        raise ValueError(f'RandomLowResolution: {name} must be (min, max) '
                         f'with {low} <= min <= max, got {value}')
    return float(value[0]), float(value[1])


@TRANSFORMS.register_module()
class RandomLowResolution(BaseTransform):
    """Degrade an image to a random low resolution and resize it back.

    Synthesises the *hard* (low-resolution) samples of DDL's resolution
    experiments from easy ones, and is FAN's random scale augmentation:
    the shorter side is scaled to a random ``side`` in ``side_range``
    (uniform integer, aspect kept), optionally after a Gaussian blur
    (anti-aliasing/defocus, sigma uniform in ``blur_sigma_range``) and
    followed by JPEG compression (quality uniform in ``jpeg_quality_range``)
    at the low resolution, and then resized back to the input size, so the
    network input keeps its shape. Neither paper gives the downsampling
    law; these ranges are configuration choices.

    **Required Keys:**

    - img

    **Modified Keys:**

    - img

    **Added Keys:**

    - lowres_side (the sampled side, or None when not applied)

    Args:
        side_range (Sequence[int]): ``(min, max)`` of the shorter side of the
            low-resolution image, inclusive. Defaults to (12, 24).
        prob (float): Probability of applying the degradation.
            Defaults to 1.0.
        blur_sigma_range (Sequence[float], optional): ``(min, max)`` of the
            Gaussian blur sigma before downsampling, in input pixels;
            None for no blur. Defaults to None.
        jpeg_quality_range (Sequence[int], optional): ``(min, max)`` JPEG
            quality at the low resolution; None for no compression.
            Defaults to None.
        down_interpolation (str): cv2 interpolation of the downsampling.
            Defaults to ``'area'``.
        up_interpolation (str): cv2 interpolation of the upsampling.
            Defaults to ``'bilinear'``.
        keep_size (bool): Resize back to the input size. With False the
            low-resolution image is returned (the test images of SCface are
            stored so). Defaults to True.
    """

    def __init__(self,
                 side_range: Sequence[int] = (12, 24),
                 prob: float = 1.0,
                 blur_sigma_range: Optional[Sequence[float]] = None,
                 jpeg_quality_range: Optional[Sequence[int]] = None,
                 down_interpolation: str = 'area',
                 up_interpolation: str = 'bilinear',
                 keep_size: bool = True):
        self.side_range = _range(side_range, 'side_range', 1)
        self.blur_sigma_range = _range(blur_sigma_range, 'blur_sigma_range',
                                       0)
        self.jpeg_quality_range = _range(jpeg_quality_range,
                                         'jpeg_quality_range', 1)
        if self.jpeg_quality_range and self.jpeg_quality_range[1] > 100:
            raise ValueError('RandomLowResolution: jpeg_quality_range must '
                             f'be within [1, 100], got {jpeg_quality_range}')
        if not 0. <= prob <= 1.:
            raise ValueError(f'RandomLowResolution: prob must be in [0, 1], '
                             f'got {prob}')
        for name in (down_interpolation, up_interpolation):
            if name not in _INTERPOLATION:
                raise ValueError(f'RandomLowResolution: interpolation '
                                 f'{name!r} is not one of '
                                 f'{sorted(_INTERPOLATION)}')
        self.prob = prob
        self.down_interpolation = down_interpolation
        self.up_interpolation = up_interpolation
        self.keep_size = keep_size

    @cache_randomness
    def _sample(self) -> Optional[Tuple[int, float, int]]:
        if np.random.rand() >= self.prob:
            return None
        side = np.random.randint(int(self.side_range[0]),
                                 int(self.side_range[1]) + 1)
        sigma = (np.random.uniform(*self.blur_sigma_range)
                 if self.blur_sigma_range else 0.)
        quality = (np.random.randint(int(self.jpeg_quality_range[0]),
                                     int(self.jpeg_quality_range[1]) + 1)
                   if self.jpeg_quality_range else 0)
        return side, sigma, quality

    def degrade(self, img: np.ndarray, side: int, sigma: float = 0.,
                quality: int = 0) -> np.ndarray:
        """Degrade ``img`` with the given parameters (deterministic).

        Args:
            img (np.ndarray): ``(H, W)`` or ``(H, W, C)`` uint8 image.
            side (int): The shorter side of the low-resolution image.
            sigma (float): Gaussian blur sigma; 0 for none.
            quality (int): JPEG quality; 0 for none.

        Returns:
            np.ndarray: The degraded image, of the input size when
            ``keep_size``.
        """
        h, w = img.shape[:2]
        scale = side / min(h, w)
        size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
        if sigma > 0:
            img = cv2.GaussianBlur(img, (0, 0), sigma)
        low = cv2.resize(
            img, size, interpolation=_INTERPOLATION[self.down_interpolation])
        if quality > 0:
            ok, buf = cv2.imencode('.jpg', low,
                                   [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
            if not ok:
                raise RuntimeError('RandomLowResolution: JPEG encoding of a '
                                   f'{low.shape} image failed')
            flag = cv2.IMREAD_COLOR if low.ndim == 3 else \
                cv2.IMREAD_GRAYSCALE
            low = cv2.imdecode(buf, flag).reshape(low.shape)
        if not self.keep_size:
            return low
        out = cv2.resize(
            low, (w, h), interpolation=_INTERPOLATION[self.up_interpolation])
        return out.reshape(img.shape)

    def transform(self, results: dict) -> dict:
        params = self._sample()
        if params is None:
            results['lowres_side'] = None
            return results
        img = self.degrade(results['img'], *params)
        results['img'] = np.ascontiguousarray(img)
        results['img_shape'] = img.shape[:2]
        results['lowres_side'] = params[0]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(side_range={self.side_range}, '
                f'prob={self.prob}, blur_sigma_range={self.blur_sigma_range},'
                f' jpeg_quality_range={self.jpeg_quality_range}, '
                f'down_interpolation={self.down_interpolation!r}, '
                f'up_interpolation={self.up_interpolation!r}, '
                f'keep_size={self.keep_size})')
