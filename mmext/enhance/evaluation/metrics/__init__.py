"""Image-quality metrics of low-light enhancement."""
from .base_sample_wise_metric import BaseSampleWiseMetric
from .delta_e import DeltaE, delta_e76
from .psnr import PSNR, psnr
from .ssim import SSIM, ssim

__all__ = [
    'BaseSampleWiseMetric', 'DeltaE', 'PSNR', 'SSIM', 'delta_e76', 'psnr',
    'ssim'
]
