"""FDDB discrete / continuous ROC of the official evaluation."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.fileio import get_text
from mmengine.logging import MMLogger

from mmext.det.datasets.fddb_io import (fddb_annotation_files,
                                        parse_fddb_ellipse_list,
                                        write_fddb_detections, write_fddb_roc)
from ..functional.fddb_eval import evaluate_fddb


@METRICS.register_module()
class FDDBMetric(BaseMetric):
    """FDDB true positive rate at a number of false positives.

    Scores detections with :func:`~mmext.det.evaluation.functional.\
evaluate_fddb`: detections drawn as rectangles are matched to the
    annotated ellipses by the Hungarian algorithm on their pixel IoU at
    every distinct score, a match with IoU > 0.5 is a discrete true
    positive, and the ROC is read at each of ``fp_levels`` false positives.
    Reports ``fddb/discrete@<n>fp`` (the number usually quoted, e.g. at
    1000 false positives) and ``fddb/continuous@<n>fp`` (the summed IoU of
    the matches), both in [0, 1].  Predictions are found by ``img_id``
    (the path without extension of the fold files) and rasterised on their
    ``ori_shape``.

    Args:
        ann_file (str): The ``FDDB-fold-XX-ellipseList.txt`` evaluated on,
            or the ``FDDB-folds`` folder for all folds (as
            :class:`FDDBDataset`).
        fp_levels (Sequence[int]): False-positive counts to report.
            Defaults to ``(1000, )``.
        roc_prefix (str, optional): Also write the ROC in the official
            files ``<roc_prefix>DiscROC.txt`` (``TPR FP threshold``) and
            ``<roc_prefix>ContROC.txt`` (``TPR FP``).
        submission_file (str, optional): Also write the detections there
            in the official output format (per image its id, the count and
            ``x y w h score`` lines), which
            ``tools/analysis_tools/fddb_eval.py`` scores.
        collect_device (str): ``cpu`` or ``gpu``. Defaults to ``cpu``.
        prefix (str, optional): Metric name prefix. Defaults to ``fddb``.
    """
    default_prefix: Optional[str] = 'fddb'

    def __init__(self,
                 ann_file: str,
                 fp_levels: Sequence[int] = (1000, ),
                 roc_prefix: Optional[str] = None,
                 submission_file: Optional[str] = None,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.ann_file = ann_file
        self.fp_levels = tuple(fp_levels)
        self.roc_prefix = roc_prefix
        self.submission_file = submission_file

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep each image's detections as ``[x, y, w, h, score]``.

        Args:
            data_batch (dict): The batch (unused).
            data_samples (Sequence[dict]): Outputs with ``img_id``,
                ``ori_shape`` and ``pred_instances`` (``bboxes`` (N, 4)
                xyxy, ``scores`` (N,)) in original-image pixels.
        """
        for sample in data_samples:
            pred = sample['pred_instances']
            boxes = pred['bboxes'].cpu().numpy().astype(np.float64)
            scores = pred['scores'].cpu().numpy().astype(np.float64)
            dets = np.concatenate(
                [boxes[:, :2], boxes[:, 2:] - boxes[:, :2], scores[:, None]],
                axis=1)
            self.results.append(
                (sample['img_id'], tuple(sample['ori_shape'][:2]), dets))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Compute the TPR at each false-positive level.

        Args:
            results (list[tuple]): ``(img_id, (h, w), (N, 5))`` triples.

        Returns:
            dict[str, float]: ``discrete@<n>fp`` and ``continuous@<n>fp``.
        """
        annotations = {}
        for path in fddb_annotation_files(self.ann_file):
            annotations.update(parse_fddb_ellipse_list(path, get_text(path)))
        predictions, shapes = {}, {}
        for key, shape, dets in results:
            if key in predictions:
                raise ValueError(f'FDDBMetric: image {key} was predicted '
                                 'twice')
            predictions[key], shapes[key] = dets, shape
        if self.submission_file:
            write_fddb_detections(self.submission_file, predictions)
        missing = len(annotations) - len(predictions)
        if missing > 0:
            MMLogger.get_current_instance().warning(
                f'FDDBMetric: {missing} of {len(annotations)} annotated '
                'images have no prediction; their faces count as missed')
        out = evaluate_fddb(
            predictions,
            annotations,
            shapes,
            self.fp_levels,
            return_roc=bool(self.roc_prefix))
        if self.roc_prefix:
            write_fddb_roc(self.roc_prefix, out.pop('roc'))
        return out
