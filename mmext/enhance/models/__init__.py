"""Models: CWAN's sub-networks, its loss and model, the RGB baseline."""
from .backbones import CWANColorNet, CWANLightNet, RGBResidualNet
from .data_preprocessors import EnhanceDataPreprocessor
from .editors import CWAN, BaseEditModel
from .losses import CWANLoss, L1Loss
from .utils import lab_to_rgb, rgb_to_gray, rgb_to_lab

__all__ = [
    'BaseEditModel', 'CWAN', 'CWANColorNet', 'CWANLightNet', 'CWANLoss',
    'EnhanceDataPreprocessor', 'L1Loss', 'RGBResidualNet', 'lab_to_rgb',
    'rgb_to_gray', 'rgb_to_lab'
]
