"""ARFlow's occlusion transform (OT): superpixels of the second frame
replaced by noise, on the device (``oc_transforms.py``)."""
from typing import Dict, Optional, Sequence

import torch
from torch import Tensor, nn

from mmext.registry import MODELS


def superpixels(img: Tensor,
                num_segments: int = 200,
                compactness: float = 50.,
                iters: int = 5) -> Tensor:
    """SLIC-style superpixels: k-means on (colour, position).

    Centres start on a regular grid of step S = sqrt(HW / K); every pixel
    joins the centre minimising ``d_c^2 + (d_s / S)^2 m^2`` (colour in
    [0, 255], m = ``compactness``), then centres move to their members'
    mean.  Unlike SLIC, which searches a 2S window around each centre, all
    centres are compared (vectorised; the spatial term keeps segments
    local), and the colour space is RGB instead of Lab.

    Args:
        img (Tensor): (B, 3, H, W) in [0, 1].
        num_segments (int): about how many superpixels. Default 200.
        compactness (float): m. Default 50.
        iters (int): k-means iterations. Default 5.

    Returns:
        Tensor: (B, H, W) long segment labels in [0, K).
    """
    b, _, h, w = img.shape
    step = (h * w / num_segments)**0.5
    ny, nx = max(1, round(h / step)), max(1, round(w / step))
    ys = (torch.arange(ny, device=img.device) + 0.5) * h / ny
    xs = (torch.arange(nx, device=img.device) + 0.5) * w / nx
    grid_y, grid_x = torch.meshgrid(
        torch.arange(h, device=img.device, dtype=img.dtype),
        torch.arange(w, device=img.device, dtype=img.dtype),
        indexing='ij')
    scale = compactness / step
    # pixel features (B, HW, 5): colour, scaled position
    pos = torch.stack([grid_y, grid_x], -1).view(1, h * w, 2) * scale
    feats = torch.cat(
        [img.flatten(2).transpose(1, 2) * 255,
         pos.expand(b, -1, -1)], -1)
    cy, cx = torch.meshgrid(ys.long(), xs.long(), indexing='ij')
    index = (cy.clamp(max=h - 1) * w + cx.clamp(max=w - 1)).flatten()
    centres = feats[:, index]  # (B, K, 5)
    k = centres.shape[1]
    for _ in range(iters):
        labels = torch.cdist(feats, centres).argmin(-1)  # (B, HW)
        sums = feats.new_zeros(b, k, 5).scatter_add_(
            1, labels[..., None].expand(-1, -1, 5), feats)
        counts = feats.new_zeros(b, k).scatter_add_(
            1, labels, torch.ones_like(labels, dtype=feats.dtype))
        centres = torch.where(counts[..., None] > 0,
                              sums / counts.clamp(min=1)[..., None], centres)
    return torch.cdist(feats, centres).argmin(-1).view(b, h, w)


@MODELS.register_module()
class AROcclusionTransform(nn.Module):
    """Occlusion transform of ARFlow's AR (third pass).

    The (appearance-transformed) pair, the teacher flow and its
    non-occlusion mask are cropped at one random position to
    ``crop_size``; in the second frame a random number in
    ``num_selected`` of its superpixels are replaced by uniform noise,
    creating new occlusions whose flow the teacher still knows.  Every
    released official config has it off (``run_ot=false``).

    Args:
        crop_size (Sequence[int], optional): (h, w). Default (320, 704);
            None: no crop.
        num_segments (int): superpixels of the second frame. Default 200.
        compactness (float): Default 50.
        num_selected (Sequence[int]): range of superpixels replaced.
            Default (8, 16).
    """

    def __init__(self,
                 crop_size: Optional[Sequence[int]] = (320, 704),
                 num_segments: int = 200,
                 compactness: float = 50.,
                 num_selected: Sequence[int] = (8, 16)) -> None:
        super().__init__()
        self.crop_size = tuple(crop_size) if crop_size else None
        self.num_segments = num_segments
        self.compactness = compactness
        self.num_selected = tuple(num_selected)

    def forward(self, img1: Tensor, img2: Tensor, flow: Tensor,
                mask: Tensor) -> Dict[str, Tensor]:
        """Transform a batch (shapes as :class:`ARSpatialTransform`).

        Returns:
            dict: ``img1``, ``img2`` (occluded), ``flow``, ``mask``, cropped.
        """
        h, w = img1.shape[-2:]
        if self.crop_size is not None:
            ch, cw = self.crop_size
            if ch > h or cw > w:
                raise ValueError(f'AROcclusionTransform: crop {ch}x{cw} '
                                 f'larger than the input {h}x{w}')
            y = int(torch.randint(0, h - ch + 1, ()))
            x = int(torch.randint(0, w - cw + 1, ()))
            img1, img2, flow, mask = (
                t[..., y:y + ch, x:x + cw] for t in (img1, img2, flow, mask))
        labels = superpixels(img2, self.num_segments, self.compactness)
        b = img2.shape[0]
        k = int(labels.max()) + 1
        # a random ranking of the segments; the first n_b are replaced
        ranks = torch.rand(b, k, device=img2.device).argsort(1).argsort(1)
        n = torch.randint(
            self.num_selected[0],
            self.num_selected[1] + 1, (b, 1),
            device=img2.device)
        chosen = (ranks < n).gather(1, labels.flatten(1)).view_as(labels)
        chosen = chosen[:, None].to(img2.dtype)
        img2 = img2 * (1 - chosen) + torch.rand_like(img2) * chosen
        return dict(img1=img1, img2=img2, flow=flow, mask=mask)
