from typing import Optional, Sequence, Tuple, Union

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


def _interpolations(value: Union[str, Sequence[str]],
                    name: str) -> Tuple[str, ...]:
    names = (value, ) if isinstance(value, str) else tuple(value)
    if not names or any(n not in _INTERPOLATION for n in names):
        raise ValueError(f'RandomLowResolution: {name} must be one of '
                         f'{sorted(_INTERPOLATION)} or a list of them, got '
                         f'{value!r}')
    return names


@TRANSFORMS.register_module()
class RandomLowResolution(BaseTransform):
    """Degrade an image to a random low resolution and resize it back.

    Synthesises the *hard* (low-resolution) samples of DDL's resolution
    experiments from easy ones, and with other options is FAN's random scale
    augmentation (:class:`RandomScaleAugment`): the shorter side is scaled
    to a random ``side`` (aspect kept), optionally after a Gaussian blur
    (anti-aliasing/defocus, sigma uniform in ``blur_sigma_range``) and
    followed by JPEG compression (quality uniform in ``jpeg_quality_range``)
    at the low resolution, and then resized back to the input size, so the
    network input keeps its shape. The side is a uniform integer in
    ``side_range``, or log-uniform in it (``side_sampling='log_uniform'``,
    rounded), or one of the fixed ``scales``. Neither paper gives the
    downsampling law; these ranges are configuration choices.

    **Required Keys:**

    - img

    **Modified Keys:**

    - img

    **Added Keys:**

    - lowres_side (the sampled side, or None when not applied)
    - ``gt_key`` (the clean input image), when ``gt_key`` is set

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
        down_interpolation (str | Sequence[str]): cv2 interpolation of the
            downsampling; a list: one drawn per image. Defaults to
            ``'area'``.
        up_interpolation (str | Sequence[str]): The same for the
            upsampling. Defaults to ``'bilinear'``.
        keep_size (bool): Resize back to the input size. With False the
            low-resolution image is returned (the test images of SCface are
            stored so). Defaults to True.
        side_sampling (str): ``'uniform'`` (integers) or ``'log_uniform'``
            (continuous, rounded: as many small sides as large ones in
            ratio). Defaults to ``'uniform'``.
        scales (Sequence[int], optional): Fixed sides, one drawn uniformly
            per image (the fixed-scale augmentation FAN compares RSA with);
            replaces ``side_range``. Defaults to None.
        gt_key (str, optional): Keep the clean image under this key (FAN's
            ``'gt_img'``). Defaults to None.
    """

    def __init__(self,
                 side_range: Sequence[int] = (12, 24),
                 prob: float = 1.0,
                 blur_sigma_range: Optional[Sequence[float]] = None,
                 jpeg_quality_range: Optional[Sequence[int]] = None,
                 down_interpolation: Union[str, Sequence[str]] = 'area',
                 up_interpolation: Union[str, Sequence[str]] = 'bilinear',
                 keep_size: bool = True,
                 side_sampling: str = 'uniform',
                 scales: Optional[Sequence[int]] = None,
                 gt_key: Optional[str] = None):
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
        if side_sampling not in ('uniform', 'log_uniform'):
            raise ValueError("RandomLowResolution: side_sampling must be "
                             f"'uniform' or 'log_uniform', got "
                             f'{side_sampling!r}')
        if scales is not None:
            if len(scales) == 0 or any(int(v) != v or v < 1 for v in scales):
                raise ValueError('RandomLowResolution: scales must be a '
                                 f'non-empty list of sides >= 1, got '
                                 f'{scales!r}')
            scales = tuple(int(v) for v in scales)
        self.prob = prob
        self.down_interpolation = _interpolations(down_interpolation,
                                                  'down_interpolation')
        self.up_interpolation = _interpolations(up_interpolation,
                                                'up_interpolation')
        self.keep_size = keep_size
        self.side_sampling = side_sampling
        self.scales = scales
        self.gt_key = gt_key

    @property
    def max_side(self) -> int:
        """The largest side that can be drawn."""
        return max(self.scales) if self.scales else int(self.side_range[1])

    @staticmethod
    def _pick(names: Tuple[str, ...]) -> str:
        return names[0] if len(names) == 1 else names[np.random.randint(
            len(names))]

    @cache_randomness
    def _sample(self) -> Optional[Tuple[int, float, int, str, str]]:
        if np.random.rand() >= self.prob:
            return None
        if self.scales:
            side = self.scales[np.random.randint(len(self.scales))]
        elif self.side_sampling == 'log_uniform':
            low, high = np.log(self.side_range)
            side = int(round(float(np.exp(np.random.uniform(low, high)))))
        else:
            side = np.random.randint(int(self.side_range[0]),
                                     int(self.side_range[1]) + 1)
        sigma = (np.random.uniform(*self.blur_sigma_range)
                 if self.blur_sigma_range else 0.)
        quality = (np.random.randint(int(self.jpeg_quality_range[0]),
                                     int(self.jpeg_quality_range[1]) + 1)
                   if self.jpeg_quality_range else 0)
        return (side, sigma, quality, self._pick(self.down_interpolation),
                self._pick(self.up_interpolation))

    def degrade(self,
                img: np.ndarray,
                side: int,
                sigma: float = 0.,
                quality: int = 0,
                down: Optional[str] = None,
                up: Optional[str] = None) -> np.ndarray:
        """Degrade ``img`` with the given parameters (deterministic).

        Args:
            img (np.ndarray): ``(H, W)`` or ``(H, W, C)`` uint8 image.
            side (int): The shorter side of the low-resolution image.
            sigma (float): Gaussian blur sigma; 0 for none.
            quality (int): JPEG quality; 0 for none.
            down (str, optional): Downsampling interpolation; defaults to
                the first of ``down_interpolation``.
            up (str, optional): Upsampling interpolation; defaults to the
                first of ``up_interpolation``.

        Returns:
            np.ndarray: The degraded image, of the input size when
            ``keep_size``.
        """
        down = down or self.down_interpolation[0]
        up = up or self.up_interpolation[0]
        h, w = img.shape[:2]
        scale = side / min(h, w)
        size = (max(1, int(round(w * scale))), max(1, int(round(h * scale))))
        if sigma > 0:
            img = cv2.GaussianBlur(img, (0, 0), sigma)
        low = cv2.resize(img, size, interpolation=_INTERPOLATION[down])
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
        out = cv2.resize(low, (w, h), interpolation=_INTERPOLATION[up])
        return out.reshape(img.shape)

    def transform(self, results: dict) -> dict:
        img = results['img']
        if self.keep_size and self.max_side > min(img.shape[:2]):
            key = 'scales' if self.scales else 'side_range'
            raise ValueError(
                f'{self.__class__.__name__}: {key} reaches side '
                f'{self.max_side}, above the shorter side '
                f'{min(img.shape[:2])} of '
                f"{results.get('img_path', 'the input image')}")
        if self.gt_key:
            results[self.gt_key] = img.copy()
        params = self._sample()
        if params is None:
            results['lowres_side'] = None
            return results
        img = self.degrade(img, *params)
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
                f'keep_size={self.keep_size}, '
                f'side_sampling={self.side_sampling!r}, '
                f'scales={self.scales}, gt_key={self.gt_key!r})')


@TRANSFORMS.register_module()
class RandomScaleAugment(RandomLowResolution):
    """Random scale augmentation (RSA) of FAN (Yin et al., ACCV 2020).

    :class:`RandomLowResolution` with FAN's options: every HR face is
    downsampled to a shorter side drawn *log-uniformly* from a continuous
    range, with a random interpolation, and resized back to the input size
    (112 x 112), the clean image kept as ``gt_img`` (the target of the
    normalised face). ``scales=[...]`` gives the fixed-scale augmentation
    the paper compares RSA with. The paper's range and laws are not
    verified; the defaults are ours: sides 8-112, downsampling by area,
    bilinear or bicubic, upsampling bilinear or bicubic.

    Args:
        side_range (Sequence[int]): Defaults to (8, 112).
        side_sampling (str): Defaults to ``'log_uniform'``.
        down_interpolation (str | Sequence[str]): Defaults to
            ``('area', 'bilinear', 'bicubic')``.
        up_interpolation (str | Sequence[str]): Defaults to
            ``('bilinear', 'bicubic')``.
        gt_key (str, optional): Defaults to ``'gt_img'``.
        **kwargs: Other arguments of :class:`RandomLowResolution`.
    """

    def __init__(self,
                 side_range: Sequence[int] = (8, 112),
                 side_sampling: str = 'log_uniform',
                 down_interpolation: Union[str, Sequence[str]] = (
                     'area', 'bilinear', 'bicubic'),
                 up_interpolation: Union[str, Sequence[str]] = ('bilinear',
                                                                'bicubic'),
                 gt_key: Optional[str] = 'gt_img',
                 **kwargs):
        super().__init__(
            side_range=side_range,
            side_sampling=side_sampling,
            down_interpolation=down_interpolation,
            up_interpolation=up_interpolation,
            gt_key=gt_key,
            **kwargs)
