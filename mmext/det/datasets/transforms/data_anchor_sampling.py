"""Data-anchor-sampling (PyramidBox), the augmentation behind DSFD's IAM."""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmdet.registry import TRANSFORMS
from mmdet.structures.bbox import HorizontalBoxes

#: The interpolations drawn from when resizing (as the public code).
INTERPOLATIONS = (cv2.INTER_LINEAR, cv2.INTER_CUBIC, cv2.INTER_AREA,
                  cv2.INTER_NEAREST, cv2.INTER_LANCZOS4)
#: Anchor sizes of S3FD, PyramidBox, DSFD and ASFD (strides 4-128).
ANCHOR_SCALES = (16, 32, 64, 128, 256, 512)
#: The BGR mean of the public code, the default fill.
BGR_MEAN = (104., 117., 123.)


@TRANSFORMS.register_module()
class DataAnchorSampling(BaseTransform):
    """Rescale a random face to a random anchor scale, then crop around it.

    Data-anchor-sampling of PyramidBox (Tang et al., ECCV 2018), which DSFD
    (Li et al., CVPR 2019) uses for its Improved Anchor Matching: pick a
    face of side ``s = sqrt(w h)`` at random, take the index ``i`` of the
    anchor scale closest to ``s``, draw a target anchor uniformly from
    ``anchor_scales[0 .. min(i + 1, len - 1)]`` and resize the image by
    ``target / s * 2 ** U(-1, 1)`` (capped so that the image stays below
    ``max_size ** 2`` pixels, with a random interpolation).  Then draw
    ``num_trials`` square ``crop_size`` windows: while the image is larger
    than the window, each is placed so that it contains the chosen face (or
    lies within it when the face is larger); a window is acceptable when it
    fully contains a face or overlaps one with IoU > 0.7.  One acceptable
    window is taken at random; boxes whose centre lies strictly inside it
    are kept (ignored ones included), shifted and clipped.  Parts of the
    window left of or above the image are filled with ``pad_val``; parts
    right of or below it are cut, as in the public implementation (the
    following ``Resize`` restores the network size).  Without an acceptable
    window the resized image is returned whole; without a valid face the
    input is returned unchanged.

    Required keys: ``img``, ``gt_bboxes``, ``gt_bboxes_labels``,
    ``gt_ignore_flags``.  Modified keys: ``img``, ``img_shape``, the three
    box keys.

    Args:
        anchor_scales (Sequence[int]): Anchor sizes of the pyramid levels.
            Defaults to :data:`ANCHOR_SCALES`, ``(16, 32, ..., 512)``.
        crop_size (int): Side of the sampled window. Defaults to 640.
        num_trials (int): Windows drawn. Defaults to 50.
        max_size (int): Side of the largest image area allowed after the
            resize. Defaults to 12000.
        pad_val (Sequence[float]): Fill of the window outside the image, in
            the image's channel order. Defaults to :data:`BGR_MEAN`.
    """

    def __init__(self,
                 anchor_scales: Sequence[int] = ANCHOR_SCALES,
                 crop_size: int = 640,
                 num_trials: int = 50,
                 max_size: int = 12000,
                 pad_val: Sequence[float] = BGR_MEAN) -> None:
        self.anchor_scales = np.asarray(anchor_scales, dtype=np.float64)
        self.crop_size = crop_size
        self.num_trials = num_trials
        self.max_size = max_size
        self.pad_val = tuple(pad_val)

    def _scale(self, side: float, height: int, width: int) -> float:
        """The resize ratio for a chosen face of side ``side``."""
        nearest = int(np.argmin(np.abs(self.anchor_scales - side)))
        top = min(nearest + 1, len(self.anchor_scales) - 1)
        target = self.anchor_scales[np.random.randint(top + 1)]
        ratio = target / side * 2**np.random.uniform(-1, 1)
        if height * width * ratio**2 > self.max_size**2:
            ratio = (self.max_size**2 / (height * width))**0.5
        return float(ratio)

    def _windows(self, face: np.ndarray, height: int,
                 width: int) -> np.ndarray:
        """``(num_trials, 4)`` integer candidate windows ``x1 y1 x2 y2``."""
        size, n = self.crop_size, self.num_trials
        if size < max(height, width):
            lo = np.where(face[2:] - face[:2] <= size, face[2:] - size,
                          face[:2])
            hi = np.where(face[2:] - face[:2] <= size, face[:2],
                          face[2:] - size)
            offsets = np.random.uniform(lo, hi, (n, 2))
        else:
            offsets = np.random.uniform([width - size, height - size], [0, 0],
                                        (n, 2))
        offsets = np.floor(offsets)
        return np.concatenate([offsets, offsets + size], 1).astype(np.int64)

    @staticmethod
    def _acceptable(boxes: np.ndarray, windows: np.ndarray) -> np.ndarray:
        """Windows containing a whole box or overlapping one by IoU > 0.7."""
        inside = ((windows[:, None, :2] <= boxes[None, :, :2]) &
                  (windows[:, None, 2:] >= boxes[None, :, 2:])).all(-1)
        lt = np.maximum(windows[:, None, :2], boxes[None, :, :2])
        rb = np.minimum(windows[:, None, 2:], boxes[None, :, 2:])
        inter = np.clip(rb - lt, 0, None).prod(-1)
        area_b = (boxes[:, 2:] - boxes[:, :2]).prod(-1)
        area_w = (windows[:, 2:] - windows[:, :2]).prod(-1)
        iou = inter / (area_b[None] + area_w[:, None] - inter)
        return inside.any(1) | (iou > 0.7).any(1)

    def _crop(self, img: np.ndarray,
              window: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Cut ``window`` out, padding left / top; returns the image and
        the offset to subtract from boxes."""
        x1, y1, x2, y2 = window.tolist()
        pad_left, pad_top = max(-x1, 0), max(-y1, 0)
        if pad_left or pad_top:
            canvas = np.empty((img.shape[0] + pad_top, img.shape[1] + pad_left,
                               img.shape[2]),
                              dtype=img.dtype)
            canvas[...] = np.asarray(self.pad_val, dtype=img.dtype)
            canvas[pad_top:, pad_left:] = img
            img = canvas
        x1, y1 = x1 + pad_left, y1 + pad_top
        x2, y2 = x2 + pad_left, y2 + pad_top
        return img[y1:y2, x1:x2], window[:2]

    def transform(self, results: dict) -> Optional[dict]:
        """Apply data-anchor-sampling.

        Args:
            results (dict): A detection sample.

        Returns:
            dict: The sample, rescaled and cropped.
        """
        boxes = results['gt_bboxes'].numpy().astype(np.float64)
        valid = np.flatnonzero(~results['gt_ignore_flags'])
        sides = np.sqrt(
            np.prod(boxes[valid, 2:] - boxes[valid, :2], axis=1).clip(0))
        valid, sides = valid[sides > 0], sides[sides > 0]
        if not len(valid):
            return results
        pick = np.random.randint(len(valid))
        img = results['img']
        ratio = self._scale(sides[pick], *img.shape[:2])
        img = cv2.resize(
            img,
            None,
            fx=ratio,
            fy=ratio,
            interpolation=INTERPOLATIONS[np.random.randint(
                len(INTERPOLATIONS))])
        boxes *= ratio
        height, width = img.shape[:2]
        windows = self._windows(boxes[valid[pick]], height, width)
        windows = windows[self._acceptable(boxes, windows)]
        keep = np.arange(len(boxes))
        if len(windows):
            window = windows[np.random.randint(len(windows))]
            centers = (boxes[:, :2] + boxes[:, 2:]) / 2
            keep = np.flatnonzero(
                ((centers > window[:2]) & (centers < window[2:])).all(1))
            img, offset = self._crop(img, window)
            boxes = boxes - np.tile(offset, 2)
            boxes = boxes.clip(0, np.tile(img.shape[1::-1], 2))
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        results['gt_bboxes'] = HorizontalBoxes(boxes[keep].astype(np.float32))
        results['gt_bboxes_labels'] = results['gt_bboxes_labels'][keep]
        results['gt_ignore_flags'] = results['gt_ignore_flags'][keep]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(anchor_scales='
                f'{self.anchor_scales.astype(int).tolist()}, crop_size='
                f'{self.crop_size}, num_trials={self.num_trials}, '
                f'max_size={self.max_size}, pad_val={self.pad_val})')
