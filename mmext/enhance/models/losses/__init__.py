"""Losses of the enhancement models."""
from .cwan_loss import CWANLoss
from .l1_loss import L1Loss

__all__ = ['CWANLoss', 'L1Loss']
