"""Flow networks and the ARFlow estimator."""
from .arflow import ARFlow
from .pwclite import PWCLite

__all__ = ['ARFlow', 'PWCLite']
