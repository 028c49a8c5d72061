"""Hooks of the flow methods."""
from .flow_visualization_hook import FlowVisualizationHook
from .unflow_loss_stage_hook import UnFlowLossStageHook

__all__ = ['FlowVisualizationHook', 'UnFlowLossStageHook']
