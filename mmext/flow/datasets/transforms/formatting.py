"""Packing a flow sample for the model."""
import numpy as np
import torch
from mmcv.transforms import BaseTransform
from mmengine.structures import BaseDataElement

from mmext.registry import TRANSFORMS


@TRANSFORMS.register_module()
class PackFlowInputs(BaseTransform):
    """Pack frames and labels.

    ``inputs``: dict with ``imgs`` (F, 3, H, W) uint8 and, when present,
    ``imgs_ph``.  ``data_samples``: a :class:`BaseDataElement` with
    ``gt_flow_fw`` (2, H, W), ``gt_valid`` (H, W) and ``gt_occ`` (H, W)
    tensors when labelled, and the meta keys.

    Args:
        meta_keys (tuple): Default ('img_paths', 'ori_shape', 'img_shape',
            'subset', 'scene', 'frame').
    """

    def __init__(
        self,
        meta_keys: tuple = ('img_paths', 'ori_shape', 'img_shape', 'subset',
                            'scene', 'frame')
    ) -> None:
        self.meta_keys = meta_keys

    @staticmethod
    def _frames(imgs: list) -> torch.Tensor:
        return torch.from_numpy(
            np.ascontiguousarray(np.stack(imgs).transpose(0, 3, 1, 2)))

    def transform(self, results: dict) -> dict:
        inputs = dict(imgs=self._frames(results['imgs']))
        if 'imgs_ph' in results:
            inputs['imgs_ph'] = self._frames(results['imgs_ph'])
        sample = BaseDataElement(
            metainfo={k: results[k]
                      for k in self.meta_keys if k in results})
        if 'gt_flow' in results:
            sample.gt_flow_fw = torch.from_numpy(
                np.ascontiguousarray(results['gt_flow'].transpose(2, 0, 1)))
            sample.gt_valid = torch.from_numpy(
                np.ascontiguousarray(results['gt_valid']))
            if 'gt_occ' in results:
                sample.gt_occ = torch.from_numpy(
                    np.ascontiguousarray(results['gt_occ']))
        return dict(inputs=inputs, data_samples=sample)
