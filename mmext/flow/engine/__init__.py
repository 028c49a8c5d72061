"""Hooks."""
from .hooks import FlowVisualizationHook, UnFlowLossStageHook

__all__ = ['FlowVisualizationHook', 'UnFlowLossStageHook']
