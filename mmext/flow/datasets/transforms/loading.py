"""Loading frames and flow ground truth."""
import os.path as osp

import cv2
import mmcv
import numpy as np
from mmcv.transforms import BaseTransform

from mmext.registry import TRANSFORMS
from ..flow_io import read_flo, read_kitti_flow


def _read_mask(path: str) -> np.ndarray:
    mask = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if mask is None:
        raise FileNotFoundError(f'{path}: mask cannot be read')
    return (mask > 127).astype(np.float32)


@TRANSFORMS.register_module()
class LoadFlowFrames(BaseTransform):
    """Read ``img_paths`` into ``imgs``: a list of (H, W, 3) uint8 RGB.

    Required keys: ``img_paths``.  Added: ``imgs``, ``img_shape``,
    ``ori_shape``.
    """

    def transform(self, results: dict) -> dict:
        imgs = []
        for path in results['img_paths']:
            if not osp.isfile(path):
                raise FileNotFoundError(f'LoadFlowFrames: {path} not found')
            imgs.append(mmcv.imread(path, channel_order='rgb'))
            if imgs[-1].shape != imgs[0].shape:
                raise ValueError(f'LoadFlowFrames: {path} is '
                                 f'{imgs[-1].shape}, the first frame '
                                 f'{imgs[0].shape}')
        results['imgs'] = imgs
        results['img_shape'] = results['ori_shape'] = imgs[0].shape[:2]
        return results


@TRANSFORMS.register_module()
class LoadFlowAnnotations(BaseTransform):
    """Read the forward flow ground truth and its masks.

    ``flow_path`` ending in ``.flo`` is a dense flow; ``.png`` a KITTI
    flow whose third channel is ``gt_valid``.  ``invalid_path`` (Sintel,
    255 = invalid) also sets ``gt_valid``; ``occ_path`` (Sintel, 255 =
    occluded) sets ``gt_occ``; ``noc_path`` (KITTI ``flow_noc``) sets
    ``gt_occ`` = valid in ``flow_occ`` but not in ``flow_noc``.

    Added keys: ``gt_flow`` (H, W, 2) float32, ``gt_valid`` (H, W),
    ``gt_occ`` (H, W) when known.
    """

    def transform(self, results: dict) -> dict:
        path = results['flow_path']
        if path.endswith('.flo'):
            flow = read_flo(path)
            valid = np.ones(flow.shape[:2], np.float32)
        elif path.endswith('.png'):
            flow, valid = read_kitti_flow(path)
        else:
            raise ValueError(f'LoadFlowAnnotations: {path}: unknown flow '
                             'format (expected .flo or KITTI .png)')
        if results.get('invalid_path') and osp.isfile(results['invalid_path']):
            valid = valid * (1 - _read_mask(results['invalid_path']))
        if results.get('occ_path') and osp.isfile(results['occ_path']):
            results['gt_occ'] = _read_mask(results['occ_path'])
        if results.get('noc_path'):
            _, noc_valid = read_kitti_flow(results['noc_path'])
            results['gt_occ'] = valid * (1 - noc_valid)
        results['gt_flow'] = flow
        results['gt_valid'] = valid
        return results
