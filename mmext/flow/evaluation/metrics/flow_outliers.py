"""KITTI outlier rate Fl-all."""
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mmext.registry import METRICS


@METRICS.register_module()
class FlowOutliers(BaseMetric):
    """Fl-all: percentage of valid pixels whose end-point error exceeds
    3 px AND 5 % of the ground-truth magnitude (the KITTI outlier rule).

    Computed per image and averaged over images, as ARFlow's evaluation
    (the KITTI devkit instead pools the pixels of the whole set).  Reported
    as ``Fl-all`` (percent), per ``subset`` too when there are several.

    Args:
        collect_device (str): Default 'cpu'.
        prefix (str, optional): metric prefix.
    """

    default_prefix: Optional[str] = None

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            pred = sample['pred_flow_fw'].float().cpu()
            gt = sample['gt_flow_fw'].float().cpu()
            valid = sample['gt_valid'].float().cpu() > 0.5
            epe = torch.linalg.norm(pred - gt, dim=0)
            mag = torch.linalg.norm(gt, dim=0)
            outlier = (epe > 3) & (epe > 0.05 * mag)
            n = int(valid.sum())
            if n == 0:
                continue  # no label in this image: nothing to count
            rate = 100. * float(outlier[valid].float().mean())
            self.results.append({
                'subset': sample.get('subset'),
                'Fl-all': rate
            })

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        if not results:
            raise ValueError('FlowOutliers: no image with valid pixels')
        metrics = {'Fl-all': float(np.mean([r['Fl-all'] for r in results]))}
        groups = defaultdict(list)
        for r in results:
            groups[r['subset']].append(r['Fl-all'])
        if len(groups) > 1:
            for subset, values in groups.items():
                metrics[f'{subset}/Fl-all'] = float(np.mean(values))
        return metrics
