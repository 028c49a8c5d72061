"""Pure evaluation functions shared by the metrics and the command line."""
from .wider_face_eval import (SETTINGS, WIDERFaceGroundTruth,
                              bbox_overlaps_plus1, evaluate_wider_face,
                              load_wider_face_gt, normalize_scores,
                              read_prediction_dir, read_prediction_txt,
                              voc_continuous_ap, write_prediction_dir,
                              write_prediction_txt)

__all__ = [
    'SETTINGS', 'WIDERFaceGroundTruth', 'bbox_overlaps_plus1',
    'evaluate_wider_face', 'load_wider_face_gt', 'normalize_scores',
    'read_prediction_dir', 'read_prediction_txt', 'voc_continuous_ap',
    'write_prediction_dir', 'write_prediction_txt'
]
