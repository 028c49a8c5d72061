"""Hooks, loops and optimizer wrappers."""
from .hooks import EnhanceVisualizationHook

__all__ = ['EnhanceVisualizationHook']
