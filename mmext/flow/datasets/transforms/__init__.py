"""Flow data transforms (registered in mmext's TRANSFORMS)."""
from .appearance import ARAppearanceTransform
from .formatting import PackFlowInputs
from .geometric import (FlowRandomCrop, FlowRandomFlip, FlowResize,
                        FlowTemporalSwap)
from .loading import LoadFlowAnnotations, LoadFlowFrames

__all__ = [
    'ARAppearanceTransform', 'FlowRandomCrop', 'FlowRandomFlip', 'FlowResize',
    'FlowTemporalSwap', 'LoadFlowAnnotations', 'LoadFlowFrames',
    'PackFlowInputs'
]
