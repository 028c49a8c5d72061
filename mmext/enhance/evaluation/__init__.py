"""Evaluation metrics."""
from .input_psnr import input_psnr, quickstart_input_psnr
from .metrics import DeltaE, PSNR, SSIM

__all__ = ['DeltaE', 'PSNR', 'SSIM', 'input_psnr', 'quickstart_input_psnr']
