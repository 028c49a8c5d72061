"""Backward warping with a flow field (ARFlow ``utils/warp_utils.py``)."""
import torch
import torch.nn.functional as F
from torch import Tensor


def mesh_grid(batch: int, height: int, width: int, like: Tensor) -> Tensor:
    """Pixel coordinates ``(x, y)`` of every pixel.

    Returns:
        Tensor: (B, 2, H, W), channel 0 is x (column), channel 1 is y (row).
    """
    ys = torch.arange(height, dtype=like.dtype, device=like.device)
    xs = torch.arange(width, dtype=like.dtype, device=like.device)
    grid_y, grid_x = torch.meshgrid(ys, xs, indexing='ij')
    return torch.stack([grid_x, grid_y]).expand(batch, 2, height, width)


def normalize_grid(coords: Tensor) -> Tensor:
    """(B, 2, H, W) pixel coordinates to grid_sample's (B, H, W, 2) in
    [-1, 1], pixel centres at the ends (``align_corners=True``)."""
    _, _, h, w = coords.shape
    x = 2 * coords[:, 0] / max(w - 1, 1) - 1
    y = 2 * coords[:, 1] / max(h - 1, 1) - 1
    return torch.stack([x, y], dim=-1)


def flow_warp(x: Tensor,
              flow: Tensor,
              padding_mode: str = 'border',
              mode: str = 'bilinear') -> Tensor:
    """Sample ``x`` at ``p + flow(p)``: the second frame brought to the first.

    Args:
        x (Tensor): (B, C, H, W) image or features of the second frame.
        flow (Tensor): (B, 2, H, W) flow (u, v) in pixels from the first
            frame to the second.
        padding_mode (str): ``'border'`` (ARFlow's photometric warping) or
            ``'zeros'`` (its forward-backward check).
        mode (str): grid_sample interpolation. Default ``'bilinear'``.

    Returns:
        Tensor: (B, C, H, W) warped ``x``.
    """
    if flow.shape[-2:] != x.shape[-2:] or flow.shape[1] != 2:
        raise ValueError(f'flow_warp: flow {tuple(flow.shape)} does not fit '
                         f'the tensor {tuple(x.shape)}')
    b, _, h, w = flow.shape
    grid = normalize_grid(mesh_grid(b, h, w, flow) + flow)
    return F.grid_sample(
        x, grid, mode=mode, padding_mode=padding_mode, align_corners=True)


def resize_flow(flow: Tensor, size: tuple) -> Tensor:
    """Bilinearly resize a (B, 2, h, w) flow to ``size`` = (H, W), scaling u
    by W / w and v by H / h (``align_corners=True``, as ARFlow)."""
    h, w = flow.shape[-2:]
    if (h, w) == tuple(size):
        return flow
    out = F.interpolate(
        flow, size=tuple(size), mode='bilinear', align_corners=True)
    scale = torch.tensor([size[1] / w, size[0] / h],
                         dtype=flow.dtype,
                         device=flow.device)
    return out * scale.view(1, 2, 1, 1)
