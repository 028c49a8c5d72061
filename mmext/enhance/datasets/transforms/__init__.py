"""Paired-image transforms (registered in mmext's TRANSFORMS)."""
from .formatting import PackEnhanceInputs
from .geometric import PairedRandomCrop, PairedRandomFlip
from .loading import LoadPairedImages, read_rgb

__all__ = [
    'LoadPairedImages', 'PackEnhanceInputs', 'PairedRandomCrop',
    'PairedRandomFlip', 'read_rgb'
]
