"""Losses: ASFD's DRMC loss."""
from .drmc_loss import DRMCLoss

__all__ = ['DRMCLoss']
