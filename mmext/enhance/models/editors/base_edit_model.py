"""An image-to-image model with mmagic's ``BaseEditModel`` interface."""
from typing import Dict, List, Optional, Sequence, Union

import torch
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor

from mmext.registry import MODELS


@MODELS.register_module()
class BaseEditModel(BaseModel):
    """Generator + pixel loss, mirroring mmagic 1.2's ``BaseEditModel``.

    ``forward(inputs, data_samples, mode)``:

    - ``'tensor'``: :meth:`forward_tensor`, the (B, 3, H, W) output on the
      preprocessor's normalised scale;
    - ``'predict'``: :meth:`forward_inference`, the data samples with
      ``pred_img``: (3, H, W) uint8 RGB (the output de-normalised to
      [0, 255], clipped and rounded, as the official CWAN's ``im2uint8``);
    - ``'loss'``: :meth:`forward_train`, ``dict(loss=pixel_loss(output,
      gt))`` against the samples' normalised ``gt_img``.

    It is also the RGB baseline of CWAN (``generator=RGBResidualNet``,
    ``pixel_loss=L1Loss``).

    Args:
        generator (dict): the network, (B, 3, H, W) -> (B, 3, H, W).
        pixel_loss (dict, optional): e.g. ``dict(type='L1Loss')``; needed
            for training.
        data_preprocessor (dict, optional): Default
            ``EnhanceDataPreprocessor`` (RGB in [0, 1]).
        init_cfg (dict, optional): initialisation config.
    """

    def __init__(self,
                 generator: Optional[dict] = None,
                 pixel_loss: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='EnhanceDataPreprocessor')
        # built here so that it resolves in mmext's scope outside a runner
        if isinstance(data_preprocessor, dict):
            data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.generator = MODELS.build(generator) if generator else None
        self.pixel_loss = MODELS.build(pixel_loss) if pixel_loss else None

    def forward(self,
                inputs: Tensor,
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor') -> Union[Tensor, dict, list]:
        """Dispatch on ``mode``; ``inputs`` is (B, 3, H, W)."""
        if mode == 'tensor':
            return self.forward_tensor(inputs)
        if mode == 'predict':
            return self.forward_inference(inputs, data_samples)
        if mode == 'loss':
            return self.forward_train(inputs, data_samples)
        raise ValueError(f'{type(self).__name__}: invalid mode "{mode}"')

    def forward_tensor(self, inputs: Tensor) -> Tensor:
        """(B, 3, H, W) -> (B, 3, H, W), the generator's output."""
        return self.generator(inputs)

    def forward_train(self, inputs: Tensor,
                      data_samples: Sequence[BaseDataElement]
                      ) -> Dict[str, Tensor]:
        """The pixel loss against the samples' ``gt_img``."""
        if self.pixel_loss is None:
            raise ValueError(f'{type(self).__name__}: training needs a '
                             'pixel_loss')
        gt = self.data_preprocessor.stack_gt(data_samples)
        return dict(loss=self.pixel_loss(self.forward_tensor(inputs), gt))

    def forward_inference(
        self,
        inputs: Tensor,
        data_samples: Optional[List[BaseDataElement]] = None
    ) -> List[BaseDataElement]:
        """Predict ``pred_img`` for every sample.

        Returns:
            list[BaseDataElement]: the samples (new ones when None) with
            ``pred_img``, (3, H, W) uint8 RGB.
        """
        out = self.data_preprocessor.destruct(self.forward_tensor(inputs))
        out = out.clamp(0, 255).round().to(torch.uint8)
        if data_samples is None:
            data_samples = [BaseDataElement() for _ in range(len(out))]
        for sample, pred in zip(data_samples, out):
            sample.pred_img = pred
        return data_samples
