"""Metrics of mmext.det."""
from .fddb_metric import FDDBMetric
from .wider_face_metric import WIDERFaceMetric

__all__ = ['FDDBMetric', 'WIDERFaceMetric']
