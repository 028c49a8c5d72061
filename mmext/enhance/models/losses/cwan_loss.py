"""CWAN's training loss: L1 on lightness and colour, plus attention."""
from typing import Dict

import torch.nn as nn
from torch import Tensor

from mmext.registry import MODELS
from ..utils import colorful_mask


@MODELS.register_module()
class CWANLoss(nn.Module):
    """L1 lightness + L1 colour + colour-attention loss of CWAN.

    The release names only L1-type losses (``L1_loss`` on the lightness
    net, ``L1_AB_Loss`` and ``L1_AB_Loss2`` on the colour net; their code
    is not released).  Ours, following those names and the paper's
    colour-cue attention:

    - ``loss_l``: L1 of the lightness output (0-255 scale) against the GT
      L* x 2.55 (the scale ``CWAN.m`` reads the output on: x 100 / 255);
    - ``loss_ab``: L1 of colour-net channels 0:2 against the GT a*, b*
      (``L1_AB_Loss``);
    - ``loss_att`` (our reading of ``L1_AB_Loss2``): L1 of channels 2:4
      against the GT a*, b*, averaged over the GT's colourful pixels,
      chroma sqrt(a*^2 + b*^2) > ``tau`` (0 when an image batch has none);
      off (not computed) with ``attention_weight=0``, the ablation;
    - ``loss_stage1``: L1 of the stage-1 output against the GT a*, b*,
      weight 0 by default (the release's backward gives stage 1 only the
      gradient through the concatenation).

    Every term is a mean over its pixels (ours).

    Args:
        light_weight (float): weight of ``loss_l``. Default 1.
        ab_weight (float): weight of ``loss_ab``. Default 1.
        attention_weight (float): weight of ``loss_att``. Default 1.
        tau (float): chroma threshold of the colourful mask. Default 20
            (ours: about a third of sRGB's typical saturated chroma).
        stage1_weight (float): weight of ``loss_stage1``. Default 0.
    """

    def __init__(self,
                 light_weight: float = 1.,
                 ab_weight: float = 1.,
                 attention_weight: float = 1.,
                 tau: float = 20.,
                 stage1_weight: float = 0.) -> None:
        super().__init__()
        self.light_weight = light_weight
        self.ab_weight = ab_weight
        self.attention_weight = attention_weight
        self.tau = tau
        self.stage1_weight = stage1_weight

    def attention_loss(self, att: Tensor, gt_lab: Tensor) -> Tensor:
        """Masked L1 of the attention channels.

        Args:
            att (Tensor): (B, 2, H, W) colour-net channels 2:4.
            gt_lab (Tensor): (B, 3, H, W) GT Lab.

        Returns:
            Tensor: scalar, the mean over colourful pixels and the two
            channels (0 without any colourful pixel).
        """
        mask = colorful_mask(gt_lab, self.tau)
        diff = (att - gt_lab[:, 1:]).abs() * mask
        return diff.sum() / (2 * mask.sum()).clamp(min=1.)

    def forward(self, light: Tensor, color: Tensor, stage1: Tensor,
                gt_lab: Tensor) -> Dict[str, Tensor]:
        """The loss terms.

        Args:
            light (Tensor): (B, 1, H, W) lightness output, 0-255 scale.
            color (Tensor): (B, 4, H, W) colour-net output.
            stage1 (Tensor): (B, 2, H, W) colour-net stage-1 output.
            gt_lab (Tensor): (B, 3, H, W) ground-truth Lab.

        Returns:
            dict: ``loss_l``, ``loss_ab`` and, when weighted,
            ``loss_att`` and ``loss_stage1`` (weights applied).
        """
        gt_ab = gt_lab[:, 1:]
        losses = dict(
            loss_l=self.light_weight *
            (light - 2.55 * gt_lab[:, :1]).abs().mean(),
            loss_ab=self.ab_weight * (color[:, :2] - gt_ab).abs().mean())
        if self.attention_weight:
            losses['loss_att'] = self.attention_weight * self.attention_loss(
                color[:, 2:4], gt_lab)
        if self.stage1_weight:
            losses['loss_stage1'] = self.stage1_weight * (
                stage1 - gt_ab).abs().mean()
        return losses
