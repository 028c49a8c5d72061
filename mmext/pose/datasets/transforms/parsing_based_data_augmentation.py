"""RANet's parsing-based data augmentation (PDA)."""
from typing import Optional, Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmpose.registry import TRANSFORMS

from ..part_library import load_part_library, read_part


@TRANSFORMS.register_module()
class ParsingBasedDataAugmentation(BaseTransform):
    """Paste segmented body parts on the person to synthesise confusion.

    PDA of RANet ("Anti-Confusing: Region-Aware Network for Human Pose
    Estimation", arXiv 1905.00996) cuts body parts and garments out of
    human-parsing data and pastes them into training images, creating the
    textures that confuse pose estimators: a look-alike (symmetric) limb, a
    nearby person's part, an occluder.  Keypoint labels are unchanged.  The
    paper gives no further detail; this follows ASDA (Bin et al., ECCV'20,
    the same lab's follow-up), whose parts are cut from LIP:

    * each part is anchored at a joint of the person (``anchor='joint'``)
      or at a random point of its box (``anchor='box'``), shifted by up to
      ``max_shift`` times the person's diagonal;
    * its size is relative to the body: its diagonal becomes
      ``body_ratio`` (measured in the source image, see
      :mod:`~mmext.pose.datasets.part_library`) times the person's
      diagonal, jittered by ``scale_jitter``.  ``body_ratio`` is relative
      to the *tight* box of the source person, so the person's diagonal
      here is that of the tight box of its visible joints (see
      :meth:`person_diagonal`), not of the dataset's padded square box,
      which is about 1.4 times larger and would paste every part (and a
      whole "nearby person") that much too large;
    * it is rotated by up to ``max_rotate`` degrees and mirrored with
      ``flip_prob`` (a left arm becomes a right-looking one);
    * its alpha is eroded and Gaussian-blurred (kernel ``soft_edge`` times
      the part's diagonal, at the part's resolution, so the soft border
      scales with the pasted part) and blended as
      ``img * (1 - a) + part * a``.

    It runs on the full image before ``TopdownAffine`` and needs
    ``bbox`` (as loaded by mmpose's datasets) and ``keypoints`` /
    ``keypoints_visible``.  Randomness comes from numpy's global generator,
    which mmengine seeds per worker, so a run is repeatable under a seed.

    Added keys: ``pda_boxes`` ((n, 4) int xyxy boxes that may have changed;
    pixels outside them are untouched).

    Args:
        part_library (str): Root of a part library (``index.json`` +
            RGBA ``parts/*.png``), built by
            ``tools/dataset_converters/ranet_part_library.py``.
        prob (float): Probability to augment an image. Defaults to 0.5.
        num_parts (tuple[int, int]): Inclusive range of the number of parts
            pasted on an augmented image. Defaults to (1, 4) (ASDA samples
            from {2, 4, 6, 8}; RANet does not say).
        part_names (Sequence[str], optional): Only paste parts with these
            names; default all.
        scale_jitter (float): Relative size jitter. Defaults to 0.25.
        max_rotate (float): Largest rotation in degrees. Defaults to 45.
        max_shift (float): Largest anchor shift as a fraction of the
            person's diagonal. Defaults to 0.1.
        flip_prob (float): Probability to mirror a part. Defaults to 0.5.
        anchor (str): ``'joint'`` or ``'box'``. Defaults to ``'joint'``.
        soft_edge (float): Blur kernel as a fraction of the part's diagonal
            (at least 3 px). Defaults to 0.08.
    """

    def __init__(self,
                 part_library: str,
                 prob: float = 0.5,
                 num_parts: Tuple[int, int] = (1, 4),
                 part_names: Optional[Sequence[str]] = None,
                 scale_jitter: float = 0.25,
                 max_rotate: float = 45.,
                 max_shift: float = 0.1,
                 flip_prob: float = 0.5,
                 anchor: str = 'joint',
                 soft_edge: float = 0.08) -> None:
        if not 0 <= prob <= 1:
            raise ValueError(f'prob must be in [0, 1], got {prob}')
        if (len(num_parts) != 2 or not 0 < num_parts[0] <= num_parts[1]):
            raise ValueError('num_parts must be (min, max) with '
                             f'0 < min <= max, got {num_parts}')
        if anchor not in ('joint', 'box'):
            raise ValueError(f'anchor must be "joint" or "box", got '
                             f'{anchor!r}')
        if not 0 <= scale_jitter < 1:
            raise ValueError(f'scale_jitter must be in [0, 1), got '
                             f'{scale_jitter}')
        self.part_library = part_library
        parts = load_part_library(part_library)
        if part_names is not None:
            names = set(part_names)
            parts = [p for p in parts if p['name'] in names]
            if not parts:
                raise ValueError(
                    f'part library {part_library!r} has no part named any of '
                    f'{sorted(names)}')
        self.parts = parts
        self.prob = prob
        self.num_parts = tuple(num_parts)
        self.part_names = part_names
        self.scale_jitter = scale_jitter
        self.max_rotate = max_rotate
        self.max_shift = max_shift
        self.flip_prob = flip_prob
        self.anchor = anchor
        self.soft_edge = soft_edge

    @staticmethod
    def person_diagonal(keypoints: np.ndarray, visible: np.ndarray,
                        bbox: np.ndarray) -> float:
        """Diagonal of the person, the unit of part sizes and shifts.

        Args:
            keypoints (np.ndarray): (K, 2) joint coordinates.
            visible (np.ndarray): (K,) bool, the joints to use.
            bbox (np.ndarray): (4,) xyxy person box, the fallback when fewer
                than two joints are visible (its side, which for MPII's
                square boxes is about the person's height).

        Returns:
            float: Diagonal of the tight box of the visible joints.
        """
        if visible.sum() >= 2:
            points = keypoints[visible]
            return float(np.hypot(*(points.max(0) - points.min(0))))
        return float((bbox[2:] - bbox[:2]).max())

    def _anchor(self, keypoints: np.ndarray, visible: np.ndarray,
                bbox: np.ndarray, diag: float) -> np.ndarray:
        if self.anchor == 'joint' and visible.any():
            candidates = keypoints[visible]
            point = candidates[np.random.randint(len(candidates))]
        else:
            point = bbox[:2] + np.random.rand(2) * (bbox[2:] - bbox[:2])
        return point + np.random.uniform(-1, 1, 2) * self.max_shift * diag

    def _soften(self, part: np.ndarray) -> np.ndarray:
        """Erode and blur the alpha of ``part`` at its own resolution.

        Softening before the warp costs a fraction of softening the pasted
        region, and the soft border then scales with the part.
        """
        h, w = part.shape[:2]
        k = max(3, int(self.soft_edge * np.hypot(w, h)) // 2 * 2 + 1)
        alpha = cv2.erode(part[..., 3],
                          np.ones((k // 2 + 1, k // 2 + 1), np.uint8))
        part = part.copy()
        part[..., 3] = cv2.GaussianBlur(alpha, (k, k), 0)
        return part

    def _paste(self, img: np.ndarray, part: np.ndarray, center: np.ndarray,
               size: float, angle: float) -> Optional[np.ndarray]:
        """Blend soft-edged ``part`` into ``img`` in place; return the box."""
        h, w = part.shape[:2]
        scale = size / np.hypot(w, h)
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), angle, scale)
        matrix[:, 2] += center - (w / 2, h / 2)
        corners = np.array([[0, 0, 1], [w, 0, 1], [0, h, 1], [w, h, 1]],
                           dtype=np.float64) @ matrix.T
        x1, y1 = np.maximum(np.floor(corners.min(0)), 0).astype(int)
        x2, y2 = np.minimum(
            np.ceil(corners.max(0)), (img.shape[1], img.shape[0])).astype(int)
        if x2 - x1 < 2 or y2 - y1 < 2:
            return None
        matrix[:, 2] -= (x1, y1)
        warped = cv2.warpAffine(
            part,
            matrix, (int(x2 - x1), int(y2 - y1)),
            flags=cv2.INTER_LINEAR,
            borderMode=cv2.BORDER_CONSTANT,
            borderValue=0)
        *colour, alpha = cv2.split(warped)
        alpha = alpha.astype(np.float32)
        alpha *= 1 / 255.
        # img * (1 - a) + part * a, rounded and saturated to uint8
        img[y1:y2, x1:x2] = cv2.blendLinear(
            cv2.merge(colour), img[y1:y2, x1:x2], alpha, 1 - alpha)
        return np.array([x1, y1, x2, y2])

    def transform(self, results: dict) -> dict:
        """Paste parts on the image of a top-down sample.

        Args:
            results (dict): Needs ``img`` (H, W, 3), ``bbox`` (1, 4),
                ``keypoints`` (1, K, 2) and ``keypoints_visible`` (1, K).

        Returns:
            dict: ``results`` with ``img`` augmented and ``pda_boxes``.
        """
        for key in ('img', 'bbox', 'keypoints', 'keypoints_visible'):
            if key not in results:
                raise KeyError(f'{self.__class__.__name__} needs '
                               f'results[{key!r}]; put it after '
                               'LoadImage and GetBBoxCenterScale')
        boxes = np.zeros((0, 4), dtype=np.int64)
        if np.random.rand() >= self.prob:
            results['pda_boxes'] = boxes
            return results
        img = results['img'].copy()
        bbox = np.asarray(results['bbox'], dtype=np.float64)[0]
        keypoints = np.asarray(results['keypoints'], dtype=np.float64)[0]
        visible = np.asarray(results['keypoints_visible']).reshape(
            len(keypoints), -1)[:, 0] > 0
        diag = self.person_diagonal(keypoints, visible, bbox)
        touched = []
        for _ in range(
                np.random.randint(self.num_parts[0], self.num_parts[1] + 1)):
            entry = self.parts[np.random.randint(len(self.parts))]
            part = self._soften(read_part(entry))
            if np.random.rand() < self.flip_prob:
                part = part[:, ::-1]
            size = entry['body_ratio'] * diag * np.random.uniform(
                1 - self.scale_jitter, 1 + self.scale_jitter)
            angle = np.random.uniform(-self.max_rotate, self.max_rotate)
            center = self._anchor(keypoints, visible, bbox, diag)
            box = self._paste(img, part, center, size, angle)
            if box is not None:
                touched.append(box)
        results['img'] = img
        results['pda_boxes'] = np.stack(touched) if touched else boxes
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(part_library='
                f'{self.part_library!r}, parts={len(self.parts)}, '
                f'prob={self.prob}, num_parts={self.num_parts}, '
                f'scale_jitter={self.scale_jitter}, max_rotate='
                f'{self.max_rotate}, max_shift={self.max_shift}, flip_prob='
                f'{self.flip_prob}, anchor={self.anchor!r}, soft_edge='
                f'{self.soft_edge})')
