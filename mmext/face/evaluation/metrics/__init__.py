from .face_identification_metric import FaceIdentificationMetric
from .ijb_metric import IJBTemplateMetric
from .survface_metrics import (SurvFaceIdentificationMetric,
                               SurvFaceVerificationMetric)
from .verification_metric import FaceVerificationMetric

__all__ = [
    'FaceIdentificationMetric', 'FaceVerificationMetric', 'IJBTemplateMetric',
    'SurvFaceIdentificationMetric', 'SurvFaceVerificationMetric'
]
