"""Batching of low-light images and their ground truth."""
from typing import Optional, Sequence

import torch
from mmengine.model import BaseDataPreprocessor
from torch import Tensor

from mmext.registry import MODELS


@MODELS.register_module()
class EnhanceDataPreprocessor(BaseDataPreprocessor):
    """Stack the images of a batch as RGB in [0, 1], like mmagic's
    ``DataPreprocessor`` with mean 0, std 255.

    ``inputs`` is a list of (3, H, W) uint8 RGB tensors of one size (all
    of CWAN's convs are stride 1, so any size runs, but a batch is one
    tensor); it becomes (B, 3, H, W) float ``(x - mean) / std``.  The data
    samples keep their uint8 ``gt_img``; :meth:`stack_gt` normalises them
    the same way, :meth:`destruct` maps a network output back to [0, 255].

    Args:
        mean (Sequence[float]): per-channel mean. Default (0, 0, 0).
        std (Sequence[float]): per-channel std. Default (255, 255, 255).
        non_blocking (bool): see :class:`BaseDataPreprocessor`.
    """

    def __init__(self,
                 mean: Sequence[float] = (0., 0., 0.),
                 std: Sequence[float] = (255., 255., 255.),
                 non_blocking: Optional[bool] = False) -> None:
        super().__init__(non_blocking)
        self.register_buffer('mean', torch.tensor(mean).view(1, 3, 1, 1),
                             False)
        self.register_buffer('std', torch.tensor(std).view(1, 3, 1, 1), False)

    def _stack(self, imgs) -> Tensor:
        if isinstance(imgs, Tensor) and imgs.dim() == 4:
            return imgs
        shapes = {tuple(img.shape) for img in imgs}
        if len(shapes) > 1:
            raise ValueError('EnhanceDataPreprocessor: a batch needs images '
                             f'of one size, got {sorted(shapes)}')
        return torch.stack(list(imgs))

    def forward(self, data: dict, training: bool = False) -> dict:
        """Returns ``dict(inputs=(B, 3, H, W) float, data_samples=...)``."""
        data = self.cast_data(data)
        inputs = (self._stack(data['inputs']).float() - self.mean) / self.std
        return dict(inputs=inputs, data_samples=data.get('data_samples'))

    def stack_gt(self, data_samples: Sequence) -> Tensor:
        """(B, 3, H, W) normalised ground truth of the samples."""
        missing = [i for i, s in enumerate(data_samples) if 'gt_img' not in s]
        if missing:
            raise KeyError('EnhanceDataPreprocessor: samples '
                           f'{missing} have no gt_img')
        gt = self._stack([s.gt_img for s in data_samples]).to(self.mean)
        return (gt.float() - self.mean) / self.std

    def destruct(self, outputs: Tensor) -> Tensor:
        """Undo the normalisation: (B, 3, H, W) on the [0, 255] scale."""
        return outputs * self.std + self.mean
