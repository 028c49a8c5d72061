"""Backbones with RANet's FPS stem and ERE modules."""
from .ranet_hrnet import RANetHRNet
from .ranet_resnet import RANetResNet
from .region_aware import BranchwiseERE

__all__ = ['BranchwiseERE', 'RANetHRNet', 'RANetResNet']
