"""Datasets (one class per on-disk format) and data transforms."""
from . import transforms  # noqa: F401
from .resampled_activitynet_dataset import ResampledActivityNetDataset
from .sliding_window_feature_dataset import SlidingWindowFeatureDataset

__all__ = ['ResampledActivityNetDataset', 'SlidingWindowFeatureDataset']
