"""Correlation, warping and occlusion estimation."""
from .correlation import Correlation, correlation, correlation_reference
from .occlusion import occlusion_forward_backward, occlusion_range_map
from .warp import flow_warp, mesh_grid, normalize_grid, resize_flow

__all__ = [
    'Correlation', 'correlation', 'correlation_reference', 'flow_warp',
    'mesh_grid', 'normalize_grid', 'resize_flow', 'occlusion_forward_backward',
    'occlusion_range_map'
]
