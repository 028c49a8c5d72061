"""CIE76 colour difference, overall and in the GT's colourful regions."""
from typing import Optional

import numpy as np
import torch

from mmext.registry import METRICS
from mmext.enhance.models.utils import rgb_to_lab
from .base_sample_wise_metric import BaseSampleWiseMetric


def lab_of(img: np.ndarray) -> np.ndarray:
    """(H, W, 3) RGB on [0, 255] -> (H, W, 3) Lab (D65, float64)."""
    t = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)) / 255.)
    return rgb_to_lab(t).numpy().transpose(1, 2, 0)


def delta_e76(pred: np.ndarray,
              gt: np.ndarray,
              tau: float = 20.) -> dict:
    """Mean CIE76 delta E = ||Lab_pred - Lab_gt||_2 of a pair.

    Args:
        pred (np.ndarray): (H, W, 3) RGB on [0, 255].
        gt (np.ndarray): (H, W, 3) RGB on [0, 255].
        tau (float): GT chroma above which a pixel is colourful (CWAN's
            attention mask). Default 20.

    Returns:
        dict: ``DeltaE`` (all pixels) and ``DeltaE_colorful`` (colourful
        pixels; None when the GT has none).
    """
    lab_p, lab_g = lab_of(pred), lab_of(gt)
    de = np.linalg.norm(lab_p - lab_g, axis=2)
    colorful = np.linalg.norm(lab_g[..., 1:], axis=2) > tau
    return dict(
        DeltaE=float(de.mean()),
        DeltaE_colorful=float(de[colorful].mean()) if colorful.any() else None)


@METRICS.register_module()
class DeltaE(BaseSampleWiseMetric):
    """Mean CIE76 delta E per image (``DeltaE``) and over its GT-colourful
    pixels (``DeltaE_colorful``: chroma > ``tau``; images without any are
    left out of that mean), averaged over images: the paper's colour
    claim, measured.

    Args:
        tau (float): chroma threshold. Default 20 (CWANLoss's default).
        gt_key, pred_key, crop_border, scaling, collect_device, prefix:
            see :class:`BaseSampleWiseMetric` (always on RGB).
    """

    def __init__(self,
                 tau: float = 20.,
                 gt_key: str = 'gt_img',
                 pred_key: str = 'pred_img',
                 crop_border: int = 0,
                 scaling: float = 1.,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None) -> None:
        super().__init__(gt_key, pred_key, crop_border, None, scaling,
                         False, collect_device, prefix)
        self.tau = tau

    def compute_pair(self, pred: np.ndarray, gt: np.ndarray) -> dict:
        return delta_e76(pred, gt, self.tau)
