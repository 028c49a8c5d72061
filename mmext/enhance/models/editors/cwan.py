"""CWAN: colour-wise attention network for low-light enhancement."""
from typing import Dict, Optional, Sequence

import torch
from mmengine.structures import BaseDataElement
from torch import Tensor

from mmext.registry import MODELS
from ..utils import lab_to_rgb, rgb_to_gray, rgb_to_lab
from .base_edit_model import BaseEditModel


@MODELS.register_module()
class CWAN(BaseEditModel):
    """CWAN (Atoum, Ye, Ren, Tai, Liu, "Color-wise Attention Network for
    Low-light Image Enhancement", CVPRW 2020, arXiv 1911.08681).

    The official inference pipeline (``CWAN.m``), differentiable:

    1. the lightness net ``CWAN_L`` gets the MATLAB ``rgb2gray`` luma of
       the low-light RGB on the 0-255 scale;
    2. the colour net ``CWAN_AB`` gets the raw Lab a*, b* (D65) of it;
    3. L* = lightness output x 100 / 255; a*, b* = colour-net channels
       0:2;
    4. Lab -> sRGB, clipped to [0, 1] (``predict`` rounds to uint8 as
       ``im2uint8``).

    Training (:meth:`forward_train`) applies ``loss``
    (:class:`~mmext.enhance.models.CWANLoss`) to the two networks' outputs
    against the GT's Lab; the Lab -> RGB step is not in the loss.

    The preprocessor must give RGB in [0, 1] (its default).

    Args:
        light_net (dict): Default ``dict(type='CWANLightNet')``.
        color_net (dict): Default ``dict(type='CWANColorNet')``.
        loss (dict): Default ``dict(type='CWANLoss')``.
        data_preprocessor (dict, optional): Default
            ``EnhanceDataPreprocessor``.
        init_cfg (dict, optional): initialisation config.
    """

    def __init__(self,
                 light_net: Optional[dict] = None,
                 color_net: Optional[dict] = None,
                 loss: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.light_net = MODELS.build(light_net
                                      or dict(type='CWANLightNet'))
        self.color_net = MODELS.build(color_net
                                      or dict(type='CWANColorNet'))
        self.loss_module = MODELS.build(loss or dict(type='CWANLoss'))

    def forward_parts(self, rgb: Tensor) -> Dict[str, Tensor]:
        """Both networks on a low-light batch.

        Args:
            rgb (Tensor): (B, 3, H, W) sRGB in [0, 1].

        Returns:
            dict: ``light`` (B, 1, H, W) lightness on the 0-255 scale,
            ``color`` (B, 4, H, W) colour-net output, ``stage1``
            (B, 2, H, W).
        """
        light = self.light_net(255. * rgb_to_gray(rgb))
        color = self.color_net(rgb_to_lab(rgb)[:, 1:])
        return dict(light=light, color=color['out'], stage1=color['stage1'])

    @staticmethod
    def compose(light: Tensor, color: Tensor) -> Tensor:
        """``CWAN.m``'s composition of the two outputs.

        Args:
            light (Tensor): (B, 1, H, W), 0-255 scale.
            color (Tensor): (B, >=2, H, W); channels 0:2 are a*, b*.

        Returns:
            Tensor: (B, 3, H, W) sRGB in [0, 1].
        """
        return lab_to_rgb(torch.cat([light * (100. / 255.), color[:, :2]],
                                    1))

    def forward_tensor(self, inputs: Tensor) -> Tensor:
        """(B, 3, H, W) low-light RGB in [0, 1] -> enhanced, in [0, 1]."""
        parts = self.forward_parts(inputs)
        return self.compose(parts['light'], parts['color'])

    def forward_train(self, inputs: Tensor,
                      data_samples: Sequence[BaseDataElement]
                      ) -> Dict[str, Tensor]:
        """``loss`` on the networks' outputs against the GT Lab."""
        gt_lab = rgb_to_lab(self.data_preprocessor.stack_gt(data_samples))
        parts = self.forward_parts(inputs)
        return self.loss_module(parts['light'], parts['color'],
                                parts['stage1'], gt_lab)
