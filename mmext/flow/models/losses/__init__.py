"""ARFlow's unsupervised and self-supervision losses."""
from .ar_loss import ARLoss
from .photometric import census_distance, census_transform, ssim_distance
from .smoothness import smoothness_1st, smoothness_2nd
from .unflow_loss import UnFlowLoss

__all__ = [
    'ARLoss', 'UnFlowLoss', 'census_distance', 'census_transform',
    'ssim_distance', 'smoothness_1st', 'smoothness_2nd'
]
