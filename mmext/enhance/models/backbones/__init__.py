"""CWAN's sub-networks and the RGB baseline network."""
from .cwan_color_net import CWANColorNet
from .cwan_light_net import CWANLightNet
from .rgb_residual_net import RGBResidualNet

__all__ = ['CWANColorNet', 'CWANLightNet', 'RGBResidualNet']
