"""Models: PWC-Lite, the unsupervised and AR losses, the ARFlow estimator."""
from .ar_transforms import AROcclusionTransform, ARSpatialTransform
from .data_preprocessors import FlowDataPreprocessor
from .flow_estimators import ARFlow, PWCLite
from .losses import ARLoss, UnFlowLoss
from .utils import Correlation

__all__ = [
    'ARFlow', 'ARLoss', 'AROcclusionTransform', 'ARSpatialTransform',
    'Correlation', 'FlowDataPreprocessor', 'PWCLite', 'UnFlowLoss'
]
