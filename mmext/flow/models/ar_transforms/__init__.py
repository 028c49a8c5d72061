"""The AR transforms applied on the device to the second pass."""
from .occlusion_transform import AROcclusionTransform, superpixels
from .spatial_transform import ARSpatialTransform

__all__ = ['AROcclusionTransform', 'ARSpatialTransform', 'superpixels']
