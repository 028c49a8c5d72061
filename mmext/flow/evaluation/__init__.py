"""Evaluation metrics."""
from .metrics import EndPointError, FlowOutliers

__all__ = ['EndPointError', 'FlowOutliers']
