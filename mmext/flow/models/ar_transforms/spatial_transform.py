"""ARFlow's spatial transform (ST): a random affine map of a frame pair,
its teacher flow and mask, on the device (``sp_transfroms.py``)."""
from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmext.registry import MODELS


def _affine(zoom_x: Tensor, zoom_y: Tensor, angle: Tensor,
            trans: Tensor) -> Tensor:
    """(N, 3, 3) maps from output to input normalised coordinates:
    rotate, then scale by 1/zoom, then translate."""
    cos, sin = torch.cos(angle), torch.sin(angle)
    mat = torch.zeros(
        angle.shape[0], 3, 3, dtype=angle.dtype, device=angle.device)
    mat[:, 0, 0] = cos / zoom_x
    mat[:, 0, 1] = -sin / zoom_x
    mat[:, 1, 0] = sin / zoom_y
    mat[:, 1, 1] = cos / zoom_y
    mat[:, :2, 2] = trans
    mat[:, 2, 2] = 1
    return mat


@MODELS.register_module()
class ARSpatialTransform(nn.Module):
    """Random affine transform of the AR second pass (IRR-style).

    A global affine map (zoom, squeeze, rotation, translation) is drawn per
    sample and shared by both frames; frame 2 gets an extra small relative
    one.  Draws are repeated until the four output corners of both frames
    map inside the input images, so no pixel is sampled from outside.  Then
    random horizontal / vertical mirroring (both frames) and additive
    Gaussian noise of std ~ U(noise_std) are applied, clamped to [0, 1].

    Parameters are given as ``[global_low, global_high, relative_low,
    relative_high]`` (zoom, squeeze, rotate, radians) or ``[global,
    relative]`` half-ranges (translation, in normalised [-1, 1] units).
    Zoom z and squeeze s scale x by z s and y by z / s.

    Deviation: since the official "Fixed #8" commit the relative rotation is
    drawn from U(rotate[2], rotate[2]) (a constant); here it is drawn from
    U(rotate[2], rotate[3]) as the ranges state.

    The teacher flow is mapped exactly: for an output pixel p of frame 1
    with source point q1 = A1 p, the flow in the transformed pair is
    ``A2^-1 (q1 + F(q1)) - p``.  The mask is resampled with nearest
    interpolation.

    Args:
        translate (Sequence[float]): Default (0.2, 0.015) (Sintel).
        zoom (Sequence[float]): Default (1.0, 1.5, 0.985, 1.015).
        squeeze (Sequence[float]): Default (0.86, 1.16, 1.0, 1.0).
        rotate (Sequence[float]): Default (-0.2, 0.2, -0.015, 0.015).
        hflip (bool): Default True.
        vflip (bool): Default True.
        noise_std (Sequence[float], optional): range of the noise std.
            Default (0, 0.04); None for no noise.
        max_tries (int): redraws before giving up. Default 100.
    """

    def __init__(self,
                 translate: Sequence[float] = (0.2, 0.015),
                 zoom: Sequence[float] = (1.0, 1.5, 0.985, 1.015),
                 squeeze: Sequence[float] = (0.86, 1.16, 1.0, 1.0),
                 rotate: Sequence[float] = (-0.2, 0.2, -0.015, 0.015),
                 hflip: bool = True,
                 vflip: bool = True,
                 noise_std: Optional[Sequence[float]] = (0., 0.04),
                 max_tries: int = 100) -> None:
        super().__init__()
        for name, value, n in (('translate', translate, 2), ('zoom', zoom, 4),
                               ('squeeze', squeeze, 4), ('rotate', rotate, 4)):
            if len(value) != n:
                raise ValueError(f'ARSpatialTransform: {name} needs {n} '
                                 f'values, got {value}')
        self.translate = tuple(translate)
        self.zoom = tuple(zoom)
        self.squeeze = tuple(squeeze)
        self.rotate = tuple(rotate)
        self.hflip = hflip
        self.vflip = vflip
        self.noise_std = noise_std
        self.max_tries = max_tries

    def _draw(self, n: int, like: Tensor, relative: bool) -> Tensor:
        i = 2 if relative else 0

        def uniform(low, high):
            return torch.empty(
                n, dtype=like.dtype, device=like.device).uniform_(low, high)

        zoom = uniform(self.zoom[i], self.zoom[i + 1])
        squeeze = uniform(self.squeeze[i], self.squeeze[i + 1])
        angle = uniform(self.rotate[i], self.rotate[i + 1])
        t = self.translate[i // 2]
        trans = torch.stack([uniform(-t, t), uniform(-t, t)], 1)
        return _affine(zoom * squeeze, zoom / squeeze, angle, trans)

    def sample_transforms(self, n: int, like: Tensor) -> tuple:
        """(N, 3, 3) output-to-input maps of frame 1 and frame 2."""
        corners = like.new_tensor([[-1, -1, 1], [1, -1, 1], [-1, 1, 1],
                                   [1, 1, 1]]).t()
        a1 = like.new_zeros(n, 3, 3)
        a2 = like.new_zeros(n, 3, 3)
        todo = torch.ones(n, dtype=torch.bool, device=like.device)
        for _ in range(self.max_tries):
            k = int(todo.sum())
            g = self._draw(k, like, relative=False)
            r = g @ self._draw(k, like, relative=True)
            inside = ((g @ corners)[:, :2].abs() <= 1).flatten(1).all(1) & (
                (r @ corners)[:, :2].abs() <= 1).flatten(1).all(1)
            idx = todo.nonzero()[:, 0][inside]
            a1[idx], a2[idx] = g[inside], r[inside]
            todo[idx] = False
            if not todo.any():
                break
        else:
            raise RuntimeError('ARSpatialTransform: no affine map keeping '
                               f'the image in view in {self.max_tries} '
                               'draws; narrow the ranges')
        flip = like.new_ones(n, 2)
        if self.hflip:
            flip[:, 0] = torch.where(
                torch.rand(n, device=like.device) < 0.5, -1., 1.)
        if self.vflip:
            flip[:, 1] = torch.where(
                torch.rand(n, device=like.device) < 0.5, -1., 1.)
        mirror = torch.diag_embed(torch.cat([flip, flip.new_ones(n, 1)], 1))
        return a1 @ mirror, a2 @ mirror

    @staticmethod
    def transform_flow(flow: Tensor, a1: Tensor, a2: Tensor) -> Tensor:
        """The flow of the transformed pair (pixels), see the class doc."""
        b, _, h, w = flow.shape
        grid1 = F.affine_grid(a1[:, :2], (b, 2, h, w), align_corners=True)
        sampled = F.grid_sample(
            flow,
            grid1,
            mode='bilinear',
            padding_mode='border',
            align_corners=True)
        to_norm = flow.new_tensor([2 / max(w - 1, 1), 2 / max(h - 1, 1)])
        q2 = grid1 + sampled.permute(0, 2, 3, 1) * to_norm
        q2 = torch.cat([q2, torch.ones_like(q2[..., :1])], -1)
        p2 = (torch.linalg.inv(a2)[:, None, None] @ q2[..., None])[..., :2, 0]
        base = F.affine_grid(
            torch.eye(2, 3, dtype=flow.dtype,
                      device=flow.device).expand(b, 2, 3), (b, 2, h, w),
            align_corners=True)
        return ((p2 - base) / to_norm).permute(0, 3, 1, 2)

    def forward(self, img1: Tensor, img2: Tensor, flow: Tensor,
                mask: Tensor) -> Dict[str, Tensor]:
        """Transform a batch.

        Args:
            img1 (Tensor): (B, 3, H, W) frame 1 in [0, 1].
            img2 (Tensor): (B, 3, H, W) frame 2.
            flow (Tensor): (B, 2, H, W) teacher flow 1 -> 2 (pixels).
            mask (Tensor): (B, 1, H, W) teacher non-occlusion mask.

        Returns:
            dict: ``img1``, ``img2``, ``flow``, ``mask`` transformed.
        """
        b, _, h, w = img1.shape
        a1, a2 = self.sample_transforms(b, img1)
        grid1 = F.affine_grid(a1[:, :2], (b, 3, h, w), align_corners=True)
        grid2 = F.affine_grid(a2[:, :2], (b, 3, h, w), align_corners=True)
        out1 = F.grid_sample(img1, grid1, align_corners=True)
        out2 = F.grid_sample(img2, grid2, align_corners=True)
        if self.noise_std is not None:
            std = torch.empty(
                b, 1, 1, 1, dtype=img1.dtype,
                device=img1.device).uniform_(*self.noise_std)
            out1 = (out1 + std * torch.randn_like(out1)).clamp(0, 1)
            out2 = (out2 + std * torch.randn_like(out2)).clamp(0, 1)
        return dict(
            img1=out1,
            img2=out2,
            flow=self.transform_flow(flow, a1, a2),
            mask=F.grid_sample(
                mask, grid1, mode='nearest', align_corners=True))
