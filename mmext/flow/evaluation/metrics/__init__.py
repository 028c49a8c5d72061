"""Flow metrics."""
from .end_point_error import EndPointError
from .flow_outliers import FlowOutliers

__all__ = ['EndPointError', 'FlowOutliers']
