"""Losses of mmext.action."""
from .balanced_binary_logistic_loss import balanced_binary_logistic_loss
from .dbg_loss import DBGLoss

__all__ = ['balanced_binary_logistic_loss', 'DBGLoss']
