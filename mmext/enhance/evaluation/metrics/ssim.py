"""Structural similarity, mmagic's ``SSIM`` (Wang et al. 2004)."""
import cv2
import numpy as np

from mmext.registry import METRICS
from .base_sample_wise_metric import BaseSampleWiseMetric

C1 = (0.01 * 255)**2
C2 = (0.03 * 255)**2


def _ssim_channel(x: np.ndarray, y: np.ndarray) -> float:
    """Mean SSIM map of one (H, W) channel pair on [0, 255]: 11x11
    Gaussian window (sigma 1.5), 'valid' region only (5 px off each
    side)."""
    kernel = cv2.getGaussianKernel(11, 1.5)
    window = kernel @ kernel.T

    def filt(img: np.ndarray) -> np.ndarray:
        return cv2.filter2D(img, -1, window)[5:-5, 5:-5]

    mu_x, mu_y = filt(x), filt(y)
    sxx = filt(x * x) - mu_x**2
    syy = filt(y * y) - mu_y**2
    sxy = filt(x * y) - mu_x * mu_y
    ssim_map = ((2 * mu_x * mu_y + C1) * (2 * sxy + C2)) / \
        ((mu_x**2 + mu_y**2 + C1) * (sxx + syy + C2))
    return float(ssim_map.mean())


def ssim(pred: np.ndarray, gt: np.ndarray) -> float:
    """SSIM of (H, W, C) float images on [0, 255], the mean over channels.

    Images must be at least 11x11.
    """
    if pred.shape[0] < 11 or pred.shape[1] < 11:
        raise ValueError(f'ssim: images of {pred.shape[:2]} are smaller '
                         'than the 11x11 window')
    return float(
        np.mean([
            _ssim_channel(pred[..., c].astype(np.float64),
                          gt[..., c].astype(np.float64))
            for c in range(pred.shape[2])
        ]))


@METRICS.register_module()
class SSIM(BaseSampleWiseMetric):
    """SSIM per image on uint8-range RGB (or Y), averaged over images;
    reported as ``SSIM``.  Arguments: see
    :class:`~mmext.enhance.evaluation.metrics.BaseSampleWiseMetric`."""

    metric = 'SSIM'

    def compute_pair(self, pred: np.ndarray, gt: np.ndarray) -> dict:
        return {self.metric: ssim(pred, gt)}
