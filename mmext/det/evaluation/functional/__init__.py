"""Pure evaluation functions shared by the metrics and the command line.

The files they read (ground truth, submissions) are parsed in
:mod:`mmext.det.datasets.wider_face_io` and :mod:`mmext.det.datasets.fddb_io`.
"""
from .fddb_eval import evaluate_fddb, region_overlaps
from .wider_face_eval import (bbox_overlaps_plus1, evaluate_wider_face,
                              normalize_scores, voc_continuous_ap)

__all__ = [
    'bbox_overlaps_plus1', 'evaluate_fddb', 'evaluate_wider_face',
    'normalize_scores', 'region_overlaps', 'voc_continuous_ap'
]
