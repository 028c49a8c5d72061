"""Detectors: ASFD."""
from .asfd import ASFD

__all__ = ['ASFD']
