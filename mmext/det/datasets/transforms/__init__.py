"""Data transforms of mmext.det."""
from .data_anchor_sampling import DataAnchorSampling

__all__ = ['DataAnchorSampling']
