"""The AR transforms applied on the device to the second pass."""
from .spatial_transform import ARSpatialTransform

__all__ = ['ARSpatialTransform']
