"""Packing a pair for the model."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement

from mmext.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackEnhanceInputs(BaseTransform):
    """``inputs``: (3, H, W) uint8 RGB of ``img``; ``data_samples``: a
    :class:`BaseDataElement` with ``gt_img`` (3, H, W) uint8 when ``gt``
    is there, and the meta keys.

    Args:
        meta_keys (tuple): Default ('img_path', 'gt_path', 'ori_shape',
            'img_shape').
    """

    def __init__(self,
                 meta_keys: tuple = ('img_path', 'gt_path', 'ori_shape',
                                     'img_shape')) -> None:
        self.meta_keys = meta_keys

    @staticmethod
    def _chw(img: np.ndarray) -> torch.Tensor:
        return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))

    def transform(self, results: dict) -> dict:
        sample = BaseDataElement(
            metainfo={k: results[k]
                      for k in self.meta_keys if k in results})
        if 'gt' in results:
            sample.gt_img = self._chw(results['gt'])
        return dict(inputs=self._chw(results['img']), data_samples=sample)
