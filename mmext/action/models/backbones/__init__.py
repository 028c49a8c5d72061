"""Backbones of mmext.action."""
from .resnet_tei import TEINet

__all__ = ['TEINet']
