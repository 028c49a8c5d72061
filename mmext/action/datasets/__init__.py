"""Datasets (one class per on-disk format) and data transforms."""
from . import transforms  # noqa: F401
from .resampled_activitynet_dataset import ResampledActivityNetDataset

__all__ = ['ResampledActivityNetDataset']
