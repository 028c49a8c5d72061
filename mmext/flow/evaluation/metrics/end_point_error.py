"""End-point error, averaged per image as ARFlow does."""
from collections import defaultdict
from typing import Dict, List, Optional, Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from mmext.registry import METRICS


def _per_image(values: torch.Tensor, mask: torch.Tensor) -> Optional[float]:
    """Mean of ``values`` over ``mask``; None for an empty mask."""
    n = mask.sum()
    return float((values * mask).sum() / n) if n > 0 else None


@METRICS.register_module()
class EndPointError(BaseMetric):
    """EPE = ||F_pred - F_gt||_2 over valid pixels, averaged per image and
    then over images (ARFlow's ``evaluate_flow``).

    Reports ``EPE`` (all valid pixels) and, where the dataset gives an
    occlusion map (Sintel ``occlusions``, KITTI ``flow_occ`` vs
    ``flow_noc``), ``EPE_noc`` and ``EPE_occ``; images without occluded
    pixels are left out of the ``EPE_occ`` mean.  With several ``subset``
    values (Sintel clean + final) each is also reported as
    ``<subset>/EPE...``.

    Args:
        collect_device (str): Default 'cpu'.
        prefix (str, optional): metric prefix.
    """

    default_prefix: Optional[str] = None

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            if 'gt_flow_fw' not in sample:
                raise KeyError('EndPointError: the sample of '
                               f'{sample.get("img_paths")} has no '
                               'gt_flow_fw; evaluate a labelled split')
            pred = sample['pred_flow_fw'].float().cpu()
            gt = sample['gt_flow_fw'].float().cpu()
            if pred.shape != gt.shape:
                raise ValueError(
                    f'EndPointError: prediction {tuple(pred.shape)}'
                    f' vs ground truth {tuple(gt.shape)} for '
                    f'{sample.get("img_paths")}')
            epe = torch.linalg.norm(pred - gt, dim=0)
            valid = sample['gt_valid'].float().cpu()
            result = dict(
                subset=sample.get('subset'), EPE=_per_image(epe, valid))
            if 'gt_occ' in sample:
                occ = sample['gt_occ'].float().cpu()
                result['EPE_noc'] = _per_image(epe, valid * (1 - occ))
                result['EPE_occ'] = _per_image(epe, valid * occ)
            self.results.append(result)

    @staticmethod
    def _means(results: List[dict]) -> Dict[str, float]:
        out = {}
        for key in ('EPE', 'EPE_noc', 'EPE_occ'):
            values = [r[key] for r in results if r.get(key) is not None]
            if values:
                out[key] = float(np.mean(values))
        return out

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        metrics = self._means(results)
        groups = defaultdict(list)
        for r in results:
            groups[r['subset']].append(r)
        if len(groups) > 1:
            for subset, group in groups.items():
                for key, value in self._means(group).items():
                    metrics[f'{subset}/{key}'] = value
        return metrics
