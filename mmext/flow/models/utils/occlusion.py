"""Occlusion estimation of ARFlow's ``unFlowLoss`` (1 = occluded)."""
from torch import Tensor

from .warp import flow_warp, mesh_grid


def occlusion_forward_backward(flow_fw: Tensor,
                               flow_bw: Tensor,
                               alpha: float = 0.01,
                               beta: float = 0.5) -> Tensor:
    """Forward-backward consistency check (Meister et al., UnFlow).

    A pixel of frame 1 is occluded where ``|F12 + F21(p + F12)|^2 >
    alpha * (|F12|^2 + |F21(p + F12)|^2) + beta``; the backward flow is
    warped with zero padding, as ARFlow.

    Args:
        flow_fw (Tensor): (B, 2, H, W) flow 1 -> 2.
        flow_bw (Tensor): (B, 2, H, W) flow 2 -> 1.
        alpha (float): relative tolerance. Default 0.01.
        beta (float): absolute tolerance in px^2. Default 0.5.

    Returns:
        Tensor: (B, 1, H, W) float, 1 where frame-1 pixels are occluded.
    """
    bw_warped = flow_warp(flow_bw, flow_fw, padding_mode='zeros')
    diff = ((flow_fw + bw_warped)**2).sum(1, keepdim=True)
    mag = (flow_fw**2).sum(
        1, keepdim=True) + (bw_warped**2).sum(
            1, keepdim=True)
    return (diff > alpha * mag + beta).to(flow_fw.dtype)


def occlusion_range_map(flow_bw: Tensor, threshold: float = 0.2) -> Tensor:
    """Occlusion from the range map of the backward flow (Wang et al.).

    Every frame-2 pixel is splatted bilinearly to ``q + F21(q)`` in frame 1;
    frame-1 pixels that receive a total weight (clamped to [0, 1]) below
    ``threshold`` are reached by no pixel of frame 2, hence occluded.

    Args:
        flow_bw (Tensor): (B, 2, H, W) flow 2 -> 1.
        threshold (float): range-map threshold. Default 0.2.

    Returns:
        Tensor: (B, 1, H, W) float, 1 where frame-1 pixels are occluded.
    """
    b, _, h, w = flow_bw.shape
    target = (mesh_grid(b, h, w, flow_bw) + flow_bw).reshape(b, 2, -1)
    x, y = target[:, 0], target[:, 1]
    x0, y0 = x.floor(), y.floor()
    range_map = flow_bw.new_zeros(b, h * w)
    for cx, cy in ((x0, y0), (x0 + 1, y0), (x0, y0 + 1), (x0 + 1, y0 + 1)):
        weight = (1 - (x - cx).abs()) * (1 - (y - cy).abs())
        inside = (cx >= 0) & (cx <= w - 1) & (cy >= 0) & (cy <= h - 1)
        index = (cy.clamp(0, h - 1) * w + cx.clamp(0, w - 1)).long()
        range_map.scatter_add_(1, index, weight * inside)
    range_map = range_map.clamp(0, 1).view(b, 1, h, w)
    return (range_map < threshold).to(flow_bw.dtype)
