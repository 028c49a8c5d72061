"""Batching and normalisation of frame pairs."""
from typing import Optional, Sequence

import torch
from mmengine.model import BaseDataPreprocessor

from mmext.registry import MODELS


@MODELS.register_module()
class FlowDataPreprocessor(BaseDataPreprocessor):
    """Stack the frames of a batch and normalise them, as ARFlow does.

    ``inputs`` is a dict of lists of (F, 3, H, W) uint8 RGB frame stacks
    (``imgs``, and ``imgs_ph`` when the pipeline makes appearance-augmented
    copies for AR); each becomes one (B, F, 3, H, W) float tensor
    ``(x - mean) / std``.  The official code feeds RGB in [0, 1]: mean 0,
    std 255.

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
        self.register_buffer('mean',
                             torch.tensor(mean).view(1, 1, 3, 1, 1), False)
        self.register_buffer('std',
                             torch.tensor(std).view(1, 1, 3, 1, 1), False)

    def forward(self, data: dict, training: bool = False) -> dict:
        """Returns ``dict(inputs=dict(imgs=..., [imgs_ph=...]),
        data_samples=...)``."""
        data = self.cast_data(data)
        inputs = data['inputs']
        if not isinstance(inputs, dict) or 'imgs' not in inputs:
            raise KeyError('FlowDataPreprocessor: inputs must be a dict with '
                           f'"imgs", got {type(inputs).__name__}')
        batch = {}
        for key, frames in inputs.items():
            stacked = torch.stack(list(frames)) if isinstance(
                frames, (list, tuple)) else frames
            batch[key] = (stacked.float() - self.mean) / self.std
        return dict(inputs=batch, data_samples=data.get('data_samples'))
