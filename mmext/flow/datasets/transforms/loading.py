"""Loading frames and flow ground truth."""
import os.path as osp

import cv2
import mmcv
import numpy as np
from mmcv.transforms import BaseTransform

from mmext.registry import TRANSFORMS
from ..flow_io import read_flo, read_kitti_flow


def _read_mask(path: str, shape: tuple) -> np.ndarray:
    """A 0 / 255 mask PNG of ``shape`` (H, W) as a 0 / 1 float32 array."""
    if not osp.isfile(path):
        raise FileNotFoundError(f'LoadFlowAnnotations: mask {path} not '
                                'found')
    mask = cv2.imread(path, cv2.IMREAD_GRAYSCALE)
    if mask is None:
        raise ValueError(f'LoadFlowAnnotations: {path} cannot be read as '
                         'an image')
    if mask.shape != tuple(shape):
        raise ValueError(f'LoadFlowAnnotations: mask {path} is '
                         f'{mask.shape[1]}x{mask.shape[0]}, the flow '
                         f'{shape[1]}x{shape[0]}')
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
            try:
                img = mmcv.imread(path, channel_order='rgb')
            except cv2.error as err:  # an undecodable file
                raise ValueError(f'LoadFlowFrames: {path} cannot be read '
                                 f'as an image ({err})') from err
            if img is None:
                raise ValueError(f'LoadFlowFrames: {path} cannot be read as '
                                 'an image')
            imgs.append(img)
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
    ``gt_occ`` (H, W) when known.  A flow whose size is not the frames'
    (``img_shape``), or a mask that is named but missing or of another
    size, is an error naming the file.
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
        shape = flow.shape[:2]
        if 'img_shape' in results and tuple(results['img_shape']) != shape:
            h, w = results['img_shape']
            raise ValueError(f'LoadFlowAnnotations: {path} is a '
                             f'{shape[1]}x{shape[0]} flow for {w}x{h} '
                             f'frames ({results["img_paths"][0]})')
        # a mask named by the dataset must be there: a missing one would
        # silently count every pixel as valid / visible
        if results.get('invalid_path'):
            valid = valid * (1 - _read_mask(results['invalid_path'], shape))
        if results.get('occ_path'):
            results['gt_occ'] = _read_mask(results['occ_path'], shape)
        if results.get('noc_path'):
            _, noc_valid = read_kitti_flow(results['noc_path'])
            if noc_valid.shape != shape:
                raise ValueError(f'LoadFlowAnnotations: {results["noc_path"]}'
                                 f' is {noc_valid.shape[1]}x'
                                 f'{noc_valid.shape[0]}, {path} '
                                 f'{shape[1]}x{shape[0]}')
            results['gt_occ'] = valid * (1 - noc_valid)
        results['gt_flow'] = flow
        results['gt_valid'] = valid
        return results
