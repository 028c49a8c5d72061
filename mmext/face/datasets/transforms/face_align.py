from typing import Sequence, Tuple

import cv2
import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS

#: insightface's 5-point template (left eye, right eye, nose tip, left and
#: right mouth corners) for 112x112 faces, with the x offset of 8 applied.
ARCFACE_TEMPLATE_112 = (
    (38.2946, 51.6963),
    (73.5318, 51.5014),
    (56.0252, 71.7366),
    (41.5493, 92.3655),
    (70.7299, 92.2041),
)


def similarity_transform(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    """Least-squares similarity transform from ``src`` to ``dst`` (Umeyama).

    Rotation, uniform scale and translation, no reflection: the estimate of
    ``skimage.transform.SimilarityTransform``.

    Args:
        src (np.ndarray): Source points, ``(K, 2)``.
        dst (np.ndarray): Destination points, ``(K, 2)``.

    Returns:
        np.ndarray: The ``(2, 3)`` affine matrix.
    """
    src = np.asarray(src, np.float64)
    dst = np.asarray(dst, np.float64)
    src_mean, dst_mean = src.mean(0), dst.mean(0)
    src_c, dst_c = src - src_mean, dst - dst_mean
    cov = dst_c.T @ src_c / len(src)
    u, singular, vt = np.linalg.svd(cov)
    sign = np.ones(2)
    if np.linalg.det(cov) < 0:
        sign[1] = -1
    rotation = u @ np.diag(sign) @ vt
    variance = src_c.var(0).sum()
    scale = (singular * sign).sum() / variance if variance > 0 else 1.
    matrix = np.empty((2, 3))
    matrix[:, :2] = scale * rotation
    matrix[:, 2] = dst_mean - matrix[:, :2] @ src_mean
    return matrix


@TRANSFORMS.register_module()
class FaceAlign5Points(BaseTransform):
    """Align a face by its 5 landmarks to the insightface template.

    The similarity transform that maps the landmarks onto the template (by
    least squares) warps the image to ``out_size``; this is the alignment of
    insightface's IJB-B/C evaluation (``eval_ijbc.py``), whose omission is
    the usual cause of low IJB numbers.

    **Required Keys:**

    - img
    - landmarks: ``(5, 2)`` (x, y) in image pixels.

    **Modified Keys:**

    - img
    - img_shape

    Args:
        out_size (Sequence[int]): Output ``(W, H)``. Defaults to
            ``(112, 112)``.
        template (Sequence[Sequence[float]]): The 5 template points for
            ``out_size``. Defaults to :data:`ARCFACE_TEMPLATE_112`.
    """

    def __init__(self,
                 out_size: Sequence[int] = (112, 112),
                 template: Sequence[Sequence[float]] = ARCFACE_TEMPLATE_112):
        self.out_size: Tuple[int, int] = (int(out_size[0]), int(out_size[1]))
        self.template = np.asarray(template, np.float64)
        if self.template.shape != (5, 2):
            raise ValueError(f'template must be 5 (x, y) points, got shape '
                             f'{self.template.shape}')

    def transform(self, results: dict) -> dict:
        landmarks = np.asarray(results['landmarks'], np.float64)
        if landmarks.shape != (5, 2):
            raise ValueError(
                f"{results.get('img_path', 'sample')}: expected 5 landmarks "
                f'of shape (5, 2), got {landmarks.shape}')
        matrix = similarity_transform(landmarks, self.template)
        img = cv2.warpAffine(
            results['img'], matrix, self.out_size, borderValue=0.0)
        results['img'] = img
        results['img_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(out_size={self.out_size})'
