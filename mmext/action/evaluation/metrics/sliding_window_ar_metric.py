"""AR@AN of proposals merged from the sliding windows of each video."""
from collections import OrderedDict, defaultdict
from typing import Any, Dict, Optional, Sequence

import mmengine
import numpy as np
from mmaction.evaluation import ANetMetric
from mmaction.evaluation.functional import average_recall_at_avg_proposals
from mmaction.registry import METRICS

from mmext.action.models.localizers.batched_soft_nms import batched_soft_nms

#: tIoU 0.5:0.05:1.0, BSN's THUMOS14 proposal evaluation.
TIOU_THRESHOLDS = tuple(np.linspace(0.5, 1.0, 11))


@METRICS.register_module()
class SlidingWindowARMetric(ANetMetric):
    """Average recall at average numbers of proposals (THUMOS14 protocol).

    Each prediction holds the proposals of one window of
    :class:`SlidingWindowFeatureDataset`, in seconds from the window start.
    The metric shifts them by the window offset, merges the windows of each
    video, re-ranks them with soft-NMS on the video-normalised segments
    (overlapping windows propose the same action twice) and keeps
    ``max(proposal_nums)`` per video.  Recall is then mmaction2's
    ``average_recall_at_avg_proposals`` over ``temporal_iou_thresholds``, on
    the videos that have ground truths.  Ground truths travel with the
    results, so distributed evaluation sees all of them.

    Args:
        proposal_nums (Sequence[int]): Average numbers of proposals AN to
            report AR@AN at; each must be a multiple of 1 % of the largest.
            Defaults to ``(50, 100, 200, 500, 1000)``.
        temporal_iou_thresholds (Sequence[float]): tIoU thresholds averaged
            over. Defaults to 0.5:0.05:1.0, as BSN's THUMOS14 evaluation.
        soft_nms_alpha (float): Soft-NMS Gaussian width. Defaults to 0.75.
        soft_nms_low_threshold (float): Soft-NMS low threshold.
            Defaults to 0.65.
        soft_nms_high_threshold (float): Soft-NMS high threshold.
            Defaults to 0.9.
        collect_device (str): ``cpu`` or ``gpu``. Defaults to ``cpu``.
        prefix (str, optional): Prefix of the metric names.
        dump_config (dict): ``out``: where to write the merged proposals as
            ActivityNet-style JSON (nothing when empty).
    """

    def __init__(
            self,
            proposal_nums: Sequence[int] = (50, 100, 200, 500, 1000),
            temporal_iou_thresholds: Sequence[float] = TIOU_THRESHOLDS,
            soft_nms_alpha: float = 0.75,
            soft_nms_low_threshold: float = 0.65,
            soft_nms_high_threshold: float = 0.9,
            collect_device: str = 'cpu',
            prefix: Optional[str] = None,
            dump_config: dict = dict(out=''),
    ) -> None:
        dump_config = dict(dump_config, output_format='json')
        super().__init__(
            metric_type='AR@AN',
            collect_device=collect_device,
            prefix=prefix,
            dump_config=dump_config)
        self.proposal_nums = tuple(proposal_nums)
        self.max_proposals = max(self.proposal_nums)
        for num in self.proposal_nums:
            if (num * 100) % self.max_proposals:
                raise ValueError(
                    f'SlidingWindowARMetric: proposal_nums {num} is not a '
                    f'multiple of 1% of {self.max_proposals}')
        self.temporal_iou_thresholds = np.asarray(temporal_iou_thresholds)
        self.soft_nms = (soft_nms_alpha, soft_nms_low_threshold,
                         soft_nms_high_threshold)

    def process(self, data_batch: Dict[str, Any],
                predictions: Sequence[dict]) -> None:
        """Keep each window's proposals in video time with its video's GT.

        Args:
            data_batch (dict): The batch; its ``data_samples`` carry the
                metainfo ``video_name``, ``window_offset``,
                ``video_duration_second`` and ``annotations``.
            predictions (Sequence[dict]): ``proposal_list`` per window.
        """
        for sample, pred in zip(data_batch['data_samples'], predictions):
            info = sample.metainfo
            offset = info['window_offset']
            proposals = np.array([[
                p['segment'][0] + offset, p['segment'][1] + offset, p['score']
            ] for p in pred['proposal_list']],
                                 dtype=np.float64).reshape(-1, 3)
            self.results.append(
                dict(
                    video_name=info['video_name'],
                    duration=info['video_duration_second'],
                    annotations=info['annotations'],
                    proposals=proposals))

    def merge_windows(self, results: list) -> Dict[str, dict]:
        """Merge and re-rank the proposals of every video's windows.

        Args:
            results (list[dict]): Outputs of :meth:`process`.

        Returns:
            dict[str, dict]: Per video name, ``proposals`` (M, 3) as
            ``[start, end, score]`` in seconds, best first, and
            ``ground_truth`` (K, 2) in seconds.
        """
        windows = defaultdict(list)
        for result in results:
            windows[result['video_name']].append(result)
        videos = {}
        for name, parts in windows.items():
            duration = parts[0]['duration']
            proposals = np.concatenate([p['proposals'] for p in parts])
            if len(proposals):
                _, segments, scores = batched_soft_nms(
                    proposals[None, :, :2] / duration, proposals[None, :, 2],
                    *self.soft_nms, self.max_proposals)
                proposals = np.concatenate(
                    [segments[0] * duration, scores[0, :, None]], axis=1)
            videos[name] = dict(
                proposals=proposals,
                ground_truth=np.array(
                    [a['segment'] for a in parts[0]['annotations']],
                    dtype=np.float64).reshape(-1, 2))
        return videos

    def compute_metrics(self, results: list) -> dict:
        """Compute AR@AN and the area under the AR-AN curve.

        Args:
            results (list[dict]): Outputs of :meth:`process`.

        Returns:
            dict: ``AR@<num>`` for each of ``proposal_nums`` and ``auc``.
        """
        videos = self.merge_windows(results)
        if self.out:
            mmengine.dump(
                dict(
                    version='THUMOS14',
                    results={
                        name: [
                            dict(segment=[float(s), float(e)], score=float(c))
                            for s, e, c in video['proposals']
                        ]
                        for name, video in videos.items()
                    },
                    external_data={}), self.out)
        annotated = {n: v for n, v in videos.items() if len(v['ground_truth'])}
        if not annotated:
            raise ValueError('SlidingWindowARMetric: no evaluated video has '
                             'ground-truth annotations')
        ground_truth = {n: v['ground_truth'] for n, v in annotated.items()}
        proposals = {n: v['proposals'] for n, v in annotated.items()}
        total = sum(len(p) for p in proposals.values())
        recall, _, _, auc = average_recall_at_avg_proposals(
            ground_truth,
            proposals,
            total,
            max_avg_proposals=self.max_proposals,
            temporal_iou_thresholds=self.temporal_iou_thresholds)
        metrics = OrderedDict(auc=auc)
        for num in self.proposal_nums:
            column = num * 100 // self.max_proposals - 1
            metrics[f'AR@{num}'] = float(recall[:, column].mean())
        return metrics
