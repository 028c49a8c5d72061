"""Metrics of mmext.action."""
from .sliding_window_ar_metric import SlidingWindowARMetric

__all__ = ['SlidingWindowARMetric']
