"""Edge-aware flow smoothness of ARFlow (``smooth_grad_1st/2nd``)."""
import torch
from torch import Tensor


def _gradient(x: Tensor) -> tuple:
    return x[..., :, 1:] - x[..., :, :-1], x[..., 1:, :] - x[..., :-1, :]


def _edge_weights(img: Tensor, alpha: float) -> tuple:
    img_dx, img_dy = _gradient(img)
    return (torch.exp(-alpha * img_dx.abs().mean(1, keepdim=True)),
            torch.exp(-alpha * img_dy.abs().mean(1, keepdim=True)))


def smoothness_1st(flow: Tensor, img: Tensor, alpha: float = 10.) -> Tensor:
    """First-order edge-aware smoothness.

    ``mean(w_x |d_x flow|) / 4 + mean(w_y |d_y flow|) / 4`` with ``w =
    exp(-alpha * mean_c |grad img|)`` (the official /2 inside and outside).

    Args:
        flow (Tensor): (B, 2, H, W), usually divided by min(H, W).
        img (Tensor): (B, 3, H, W) the frame the flow starts from.
        alpha (float): edge weight. Default 10.

    Returns:
        Tensor: scalar.
    """
    w_x, w_y = _edge_weights(img, alpha)
    dx, dy = _gradient(flow)
    return (w_x * dx.abs() / 2).mean() / 2 + (w_y * dy.abs() / 2).mean() / 2


def smoothness_2nd(flow: Tensor, img: Tensor, alpha: float = 10.) -> Tensor:
    """Second-order edge-aware smoothness (KITTI configs).

    ``mean(w_x |d_xx flow|) / 2 + mean(w_y |d_yy flow|) / 2``, the weights
    cropped by one pixel to the second differences.

    Args:
        flow (Tensor): (B, 2, H, W).
        img (Tensor): (B, 3, H, W).
        alpha (float): edge weight. Default 10.

    Returns:
        Tensor: scalar.
    """
    w_x, w_y = _edge_weights(img, alpha)
    dx, dy = _gradient(flow)
    dx2, _ = _gradient(dx)
    _, dy2 = _gradient(dy)
    return ((w_x[..., :, 1:] * dx2.abs()).mean() / 2 +
            (w_y[..., 1:, :] * dy2.abs()).mean() / 2)
