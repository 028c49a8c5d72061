"""WIDER FACE Easy / Medium / Hard AP with the official protocol."""
import os.path as osp
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmdet.registry import METRICS
from mmengine.evaluator import BaseMetric
from mmengine.logging import MMLogger

from mmext.det.datasets.wider_face_io import (SETTINGS, load_wider_face_gt,
                                              write_prediction_dir)
from ..functional.wider_face_eval import evaluate_wider_face


def wider_face_key(img_path: str) -> str:
    """``'<event>/<image>'`` of ``.../<event>/<image>.jpg``."""
    event = osp.basename(osp.dirname(img_path))
    return f'{event}/{osp.splitext(osp.basename(img_path))[0]}'


@METRICS.register_module()
class WIDERFaceMetric(BaseMetric):
    """WIDER FACE validation AP of the official ``eval_tools``.

    Scores detections with
    :func:`~mmext.det.evaluation.functional.evaluate_wider_face`: global
    min-max score normalisation, greedy matching at IoU >= 0.5 with the
    ``+1`` pixel convention, detections on faces outside the setting
    discarded, 1000 thresholds and VOC continuous AP, against the official
    ``wider_face_val.mat`` and ``wider_{easy,medium,hard}_val.mat``.  The
    image of a prediction is found from its ``img_path``
    (``.../<event>/<image>.jpg``); images without predictions keep their
    faces in the recall denominator.

    Boxes are converted from mmdet's ``[x1, y1, x2, y2]`` to the official
    ``[x, y, x2 - x1, y2 - y1]``; the dataset builds ``x2 = x + w``, so
    ground truth and predictions round-trip.  Reported APs are in [0, 1]
    (as mmdet's ``VOCMetric``), under ``wider_face/easy``,
    ``wider_face/medium`` and ``wider_face/hard``.

    Args:
        gt_dir (str, optional): The ``eval_tools/ground_truth`` folder.
            Required unless ``format_only``.
        iou_thr (float): Match threshold. Defaults to 0.5.
        submission_dir (str, optional): Also write the predictions there in
            the official layout ``<event>/<image>.txt`` (image name, count,
            ``x y w h score`` by score descending), one file per image.
        format_only (bool): Only write ``submission_dir`` (e.g. for the test
            split, which has no public ground truth). Defaults to False.
        collect_device (str): ``cpu`` or ``gpu``. Defaults to ``cpu``.
        prefix (str, optional): Metric name prefix. Defaults to
            ``wider_face``.
    """
    default_prefix: Optional[str] = 'wider_face'

    def __init__(self,
                 gt_dir: Optional[str] = None,
                 iou_thr: float = 0.5,
                 submission_dir: Optional[str] = None,
                 format_only: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        if format_only and not submission_dir:
            raise ValueError('WIDERFaceMetric: format_only=True needs a '
                             'submission_dir')
        if not format_only and not gt_dir:
            raise ValueError('WIDERFaceMetric: gt_dir (the eval_tools '
                             'ground_truth folder) is required')
        self.gt_dir = gt_dir
        self.iou_thr = iou_thr
        self.submission_dir = submission_dir
        self.format_only = format_only

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        """Keep each image's detections as ``[x, y, w, h, score]``.

        Args:
            data_batch (dict): The batch (unused).
            data_samples (Sequence[dict]): Outputs with ``img_path`` and
                ``pred_instances`` (``bboxes`` (N, 4) xyxy, ``scores``
                (N,)) in original-image pixels.
        """
        for sample in data_samples:
            pred = sample['pred_instances']
            boxes = pred['bboxes'].cpu().numpy().astype(np.float64)
            scores = pred['scores'].cpu().numpy().astype(np.float64)
            dets = np.concatenate(
                [boxes[:, :2], boxes[:, 2:] - boxes[:, :2], scores[:, None]],
                axis=1)
            self.results.append((wider_face_key(sample['img_path']), dets))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Compute Easy / Medium / Hard AP (and write the submission).

        Args:
            results (list[tuple]): ``('<event>/<image>', (N, 5))`` pairs.

        Returns:
            dict[str, float]: ``easy``, ``medium`` and ``hard`` AP, or
            nothing when ``format_only``.
        """
        logger = MMLogger.get_current_instance()
        predictions = {}
        for key, dets in results:
            if key in predictions:
                raise ValueError(f'WIDERFaceMetric: image {key} was '
                                 'predicted twice')
            predictions[key] = dets
        gt = None if self.format_only else load_wider_face_gt(self.gt_dir)
        if self.submission_dir:
            write_prediction_dir(self.submission_dir, predictions)
            logger.info(f'WIDER FACE predictions of {len(predictions)} '
                        f'images written to {self.submission_dir}')
        if self.format_only:
            return {}
        total = len(gt.keys())
        if len(predictions) < total:
            logger.warning(
                f'WIDERFaceMetric: {total - len(predictions)} of {total} '
                'ground-truth images have no prediction; their faces count '
                'as missed')
        aps = evaluate_wider_face(predictions, gt, self.iou_thr)
        logger.info('WIDER FACE val AP: ' +
                    ', '.join(f'{s.capitalize()} {aps[s]:.4f}'
                              for s in SETTINGS))
        return {s: aps[s] for s in SETTINGS}
