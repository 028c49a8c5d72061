"""Hooks of the enhancement methods."""
from .enhance_visualization_hook import EnhanceVisualizationHook

__all__ = ['EnhanceVisualizationHook']
