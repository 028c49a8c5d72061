"""A metric computed per image pair and averaged over images."""
from typing import Dict, List, Optional, Sequence

import numpy as np
from mmengine.evaluator import BaseMetric

from .image_ops import gt_mean_scaled, prepare, to_hwc_float


class BaseSampleWiseMetric(BaseMetric):
    """mmagic's ``BaseSampleWiseMetric`` semantics: ``pred_key`` and
    ``gt_key`` of every data sample, (3, H, W) RGB on [0, 255] (x
    ``scaling``), cropped by ``crop_border`` and optionally converted to Y;
    :meth:`compute_pair` per image, then the mean over images.

    Args:
        gt_key (str): Default 'gt_img'.
        pred_key (str): Default 'pred_img'.
        crop_border (int): Default 0.
        convert_to (str, optional): None or 'Y'. Default None.
        scaling (float): multiplies both images first. Default 1.
        gt_mean (bool): the "GT-mean" protocol of KinD / LLFlow: the
            prediction is scaled so that its mean gray level is the GT's
            (then clipped) before the metric; the keys get a ``_gtmean``
            suffix so the two protocols never mix in one table. Default
            False (the standard protocol).
        collect_device (str): Default 'cpu'.
        prefix (str, optional): metric prefix.
    """

    metric: str = ''
    default_prefix: Optional[str] = None

    def __init__(self,
                 gt_key: str = 'gt_img',
                 pred_key: str = 'pred_img',
                 crop_border: int = 0,
                 convert_to: Optional[str] = None,
                 scaling: float = 1.,
                 gt_mean: bool = False,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.gt_mean = gt_mean
        self.gt_key, self.pred_key = gt_key, pred_key
        self.crop_border = crop_border
        self.convert_to = convert_to
        self.scaling = scaling

    def compute_pair(self, pred: np.ndarray, gt: np.ndarray) -> dict:
        """(H, W, C) float64 pair on [0, 255] -> ``{name: value}``."""
        raise NotImplementedError

    def process(self, data_batch: dict, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            for key in (self.gt_key, self.pred_key):
                if key not in sample:
                    raise KeyError(f'{type(self).__name__}: the sample of '
                                   f'{sample.get("img_path")} has no {key}')
            name = type(self).__name__
            pred = to_hwc_float(sample[self.pred_key], name) * self.scaling
            gt = to_hwc_float(sample[self.gt_key], name) * self.scaling
            if pred.shape != gt.shape:
                raise ValueError(f'{name}: prediction {pred.shape} vs ground '
                                 f'truth {gt.shape} for '
                                 f'{sample.get("img_path")}')
            if self.gt_mean:
                pred = gt_mean_scaled(pred, gt)
            values = self.compute_pair(
                prepare(pred, self.crop_border, self.convert_to),
                prepare(gt, self.crop_border, self.convert_to))
            if self.gt_mean:
                values = {f'{k}_gtmean': v for k, v in values.items()}
            self.results.append(values)

    def compute_metrics(self, results: List[dict]) -> Dict[str, float]:
        """Mean over images of every value (None values left out)."""
        keys = sorted({k for r in results for k in r})
        out = {}
        for key in keys:
            values = [r[key] for r in results if r.get(key) is not None]
            if values:
                out[key] = float(np.mean(values))
        return out
