from .ijb_metric import IJBTemplateMetric
from .verification_metric import FaceVerificationMetric

__all__ = ['FaceVerificationMetric', 'IJBTemplateMetric']
