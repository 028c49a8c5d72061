"""Pure evaluation functions shared by the metrics and the command line."""
from .fddb_eval import (ellipse_bboxes, evaluate_fddb, fddb_annotation_files,
                        parse_fddb_ellipse_list, region_overlaps)
from .wider_face_eval import (SETTINGS, WIDERFaceGroundTruth,
                              bbox_overlaps_plus1, evaluate_wider_face,
                              load_wider_face_gt, normalize_scores,
                              read_prediction_dir, read_prediction_txt,
                              save_wider_face_gt, voc_continuous_ap,
                              write_prediction_dir, write_prediction_txt)

__all__ = [
    'SETTINGS', 'WIDERFaceGroundTruth', 'bbox_overlaps_plus1',
    'ellipse_bboxes', 'evaluate_fddb', 'evaluate_wider_face',
    'fddb_annotation_files', 'load_wider_face_gt', 'normalize_scores',
    'parse_fddb_ellipse_list', 'read_prediction_dir', 'read_prediction_txt',
    'region_overlaps', 'save_wider_face_gt', 'voc_continuous_ap',
    'write_prediction_dir', 'write_prediction_txt'
]
