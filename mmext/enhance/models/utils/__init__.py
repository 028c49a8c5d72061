"""Colour-space helpers of the enhancement models."""
from .color_space import (chroma, colorful_mask, lab_to_rgb, linear_to_srgb,
                          rgb_to_gray, rgb_to_lab, srgb_to_linear)

__all__ = [
    'chroma', 'colorful_mask', 'lab_to_rgb', 'linear_to_srgb', 'rgb_to_gray',
    'rgb_to_lab', 'srgb_to_linear'
]
