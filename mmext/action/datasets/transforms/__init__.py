"""Transforms of mmext.action."""
from .crop_feature_window import CropFeatureWindow

__all__ = ['CropFeatureWindow']
