"""ARFlow's unsupervised loss (``losses/flow_loss.py: unFlowLoss``)."""
from typing import Dict, List, Sequence

import torch.nn.functional as F
from torch import Tensor, nn

from mmext.registry import MODELS
from ..utils import flow_warp, occlusion_forward_backward, occlusion_range_map
from .photometric import census_distance, ssim_distance
from .smoothness import smoothness_1st, smoothness_2nd


@MODELS.register_module()
class UnFlowLoss(nn.Module):
    """Occlusion-aware photometric loss plus edge-aware smoothness.

    For every pyramid output with a non-zero weight, both frames are
    area-resized to the level, each is reconstructed by warping the other
    (border padding) and compared where the occlusion mask M (1 = visible)
    is set::

        L_ph = (w_l1 mean(|I - I'| M) + w_ssim mean(SSIM(I' M, I M))
                + w_ternary mean(Census(I' M, I M))) / mean(M)

    M comes from the full-resolution flows (``occ_from_back``: range map of
    the backward flow, else the forward-backward check) and is
    nearest-resized to the other levels.  Smoothness (1st or 2nd order,
    edge weight ``alpha``) is taken on the flow divided by min(H, W) of the
    finest level.  Forward and backward terms are averaged.  Total:
    ``sum_l w_scales[l] L_ph[l] + w_smooth sum_l w_sm_scales[l] L_sm[l]``.

    Defaults are ``sintel_raw.json``'s first stage; the stage switch
    (census + forward-backward check) is done by ``UnFlowLossStageHook``.

    Args:
        w_l1 (float): Default 0.15.
        w_ssim (float): Default 0.85.
        w_ternary (float): census weight. Default 0.
        w_smooth (float): Default 50 (Sintel; KITTI 75).
        smooth_2nd (bool): second-order smoothness. Default False (KITTI
            True).
        alpha (float): edge-aware weight. Default 10.
        w_scales (Sequence[float]): photometric weight per level, finest
            first. Default (1, 1, 1, 1, 0).
        w_sm_scales (Sequence[float]): smoothness weight per level.
            Default (1, 0, 0, 0, 0).
        occ_from_back (bool): range-map occlusion (warm-up) instead of the
            forward-backward check. Default True.
        range_map_threshold (float): Default 0.2.
        fb_alpha (float): relative tolerance of the F-B check. Default 0.01.
        fb_beta (float): absolute tolerance of the F-B check. Default 0.5.
        warp_padding (str): padding of the photometric warp. Default
            'border'.
    """

    def __init__(self,
                 w_l1: float = 0.15,
                 w_ssim: float = 0.85,
                 w_ternary: float = 0.,
                 w_smooth: float = 50.,
                 smooth_2nd: bool = False,
                 alpha: float = 10.,
                 w_scales: Sequence[float] = (1., 1., 1., 1., 0.),
                 w_sm_scales: Sequence[float] = (1., 0., 0., 0., 0.),
                 occ_from_back: bool = True,
                 range_map_threshold: float = 0.2,
                 fb_alpha: float = 0.01,
                 fb_beta: float = 0.5,
                 warp_padding: str = 'border') -> None:
        super().__init__()
        self.w_l1 = w_l1
        self.w_ssim = w_ssim
        self.w_ternary = w_ternary
        self.w_smooth = w_smooth
        self.smooth_2nd = smooth_2nd
        self.alpha = alpha
        self.w_scales = list(w_scales)
        self.w_sm_scales = list(w_sm_scales)
        self.occ_from_back = occ_from_back
        self.range_map_threshold = range_map_threshold
        self.fb_alpha = fb_alpha
        self.fb_beta = fb_beta
        self.warp_padding = warp_padding

    def visible_mask(self, flow_fw: Tensor, flow_bw: Tensor) -> Tensor:
        """(B, 1, H, W) non-occlusion mask of frame 1 (1 = visible)."""
        if self.occ_from_back:
            occ = occlusion_range_map(flow_bw, self.range_map_threshold)
        else:
            occ = occlusion_forward_backward(flow_fw, flow_bw, self.fb_alpha,
                                             self.fb_beta)
        return 1 - occ

    def photometric(self, img: Tensor, recons: Tensor, mask: Tensor) -> Tensor:
        """Masked photometric loss of one direction at one level."""
        terms = []
        if self.w_l1 > 0:
            terms.append(self.w_l1 * ((img - recons).abs() * mask).mean())
        if self.w_ssim > 0:
            terms.append(self.w_ssim *
                         ssim_distance(recons * mask, img * mask).mean())
        if self.w_ternary > 0:
            terms.append(self.w_ternary *
                         census_distance(recons * mask, img * mask).mean())
        if not terms:
            raise ValueError('UnFlowLoss: w_l1, w_ssim and w_ternary are '
                             'all zero')
        visible = mask.mean()
        if not visible > 0:
            # the official code returns NaN here (lliuz/ARFlow#21)
            raise RuntimeError(
                'UnFlowLoss: every pixel is occluded, the photometric loss '
                'is undefined. The forward-backward check does this to an '
                'untrained network: start with occ_from_back=True (the '
                'range-map warm-up) and switch with UnFlowLossStageHook')
        return sum(terms) / visible

    def smoothness(self, flow: Tensor, img: Tensor) -> Tensor:
        fn = smoothness_2nd if self.smooth_2nd else smoothness_1st
        return fn(flow, img, self.alpha)

    def forward(self, flows_fw: List[Tensor], flows_bw: List[Tensor],
                img1: Tensor, img2: Tensor) -> Dict[str, Tensor]:
        """Compute the loss.

        Args:
            flows_fw (list[Tensor]): (B, 2, h_l, w_l) flows 1 -> 2, finest
                (full resolution) first.
            flows_bw (list[Tensor]): flows 2 -> 1, same shapes.
            img1 (Tensor): (B, 3, H, W) frame 1 in [0, 1].
            img2 (Tensor): (B, 3, H, W) frame 2 in [0, 1].

        Returns:
            dict: ``loss_photo`` and ``loss_smooth`` (scalars), ``noc_fw``
            (B, 1, H, W), the full-resolution non-occlusion mask of frame 1.
        """
        if len(flows_fw) > len(self.w_scales):
            raise ValueError(f'UnFlowLoss: {len(flows_fw)} flow levels but '
                             f'{len(self.w_scales)} w_scales')
        mask_fw = self.visible_mask(flows_fw[0], flows_bw[0])
        mask_bw = self.visible_mask(flows_bw[0], flows_fw[0])
        scale = min(flows_fw[0].shape[-2:])
        loss_photo = loss_smooth = 0.
        for level, (fw, bw) in enumerate(zip(flows_fw, flows_bw)):
            w_ph = self.w_scales[level]
            w_sm = self.w_sm_scales[level]
            if w_ph == 0 and w_sm == 0:
                continue
            size = fw.shape[-2:]
            im1 = F.interpolate(img1, size, mode='area')
            im2 = F.interpolate(img2, size, mode='area')
            if w_ph:
                m1 = F.interpolate(mask_fw, size, mode='nearest')
                m2 = F.interpolate(mask_bw, size, mode='nearest')
                rec1 = flow_warp(im2, fw, self.warp_padding)
                rec2 = flow_warp(im1, bw, self.warp_padding)
                loss_photo = loss_photo + w_ph * (self.photometric(
                    im1, rec1, m1) + self.photometric(im2, rec2, m2)) / 2
            if w_sm:
                loss_smooth = loss_smooth + w_sm * (self.smoothness(
                    fw / scale, im1) + self.smoothness(bw / scale, im2)) / 2
        return dict(
            loss_photo=loss_photo,
            loss_smooth=self.w_smooth * loss_smooth,
            noc_fw=mask_fw)
