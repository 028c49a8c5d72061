"""Datasets (one class per on-disk format) and data transforms."""
from .paired_image_dataset import LAYOUTS, PairedImageDataset
from .transforms import *  # noqa: F401,F403

__all__ = ['LAYOUTS', 'PairedImageDataset']
