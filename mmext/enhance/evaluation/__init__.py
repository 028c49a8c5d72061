"""Evaluation metrics."""
from .metrics import DeltaE, PSNR, SSIM

__all__ = ['DeltaE', 'PSNR', 'SSIM']
