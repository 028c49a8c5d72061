"""Peak signal-to-noise ratio, mmagic's ``PSNR``."""
import numpy as np

from mmext.registry import METRICS
from .base_sample_wise_metric import BaseSampleWiseMetric


def psnr(pred: np.ndarray, gt: np.ndarray, max_value: float = 255.) -> float:
    """PSNR = 20 log10(max / sqrt(MSE)) over all pixels and channels.

    Args:
        pred (np.ndarray): any shape, float on [0, max_value].
        gt (np.ndarray): same shape.
        max_value (float): Default 255.

    Returns:
        float: dB; ``inf`` for identical images (as mmagic).
    """
    mse = np.mean((np.asarray(pred, np.float64) -
                   np.asarray(gt, np.float64))**2)
    if mse == 0:
        return float('inf')
    return float(20. * np.log10(max_value / np.sqrt(mse)))


@METRICS.register_module()
class PSNR(BaseSampleWiseMetric):
    """PSNR per image on uint8-range RGB (or Y), averaged over images;
    reported as ``PSNR``.  Arguments: see
    :class:`~mmext.enhance.evaluation.metrics.BaseSampleWiseMetric`."""

    metric = 'PSNR'

    def compute_pair(self, pred: np.ndarray, gt: np.ndarray) -> dict:
        return {self.metric: psnr(pred, gt)}
