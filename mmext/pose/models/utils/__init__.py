"""RANet building blocks."""
from .effective_region_extraction import EffectiveRegionExtraction
from .feature_pyramid_stem import FeaturePyramidStem

__all__ = ['EffectiveRegionExtraction', 'FeaturePyramidStem']
