"""Photometric distances of ARFlow's ``losses/loss_blocks.py``."""
import torch
import torch.nn.functional as F
from torch import Tensor


def ssim_distance(x: Tensor, y: Tensor, radius: int = 1) -> Tensor:
    """Per-pixel SSIM distance ``clamp((1 - SSIM) / 2, 0, 1)``.

    Local statistics over a (2r + 1)^2 box (no padding: the output is the
    valid region only), ``C1 = 0.01^2``, ``C2 = 0.03^2``.

    Args:
        x (Tensor): (B, C, H, W) in [0, 1].
        y (Tensor): (B, C, H, W) in [0, 1].
        radius (int): box radius. Default 1 (3x3).

    Returns:
        Tensor: (B, C, H - 2r, W - 2r).
    """
    k = 2 * radius + 1
    c1, c2 = 0.01**2, 0.03**2
    mu_x = F.avg_pool2d(x, k, 1)
    mu_y = F.avg_pool2d(y, k, 1)
    sigma_x = F.avg_pool2d(x * x, k, 1) - mu_x**2
    sigma_y = F.avg_pool2d(y * y, k, 1) - mu_y**2
    sigma_xy = F.avg_pool2d(x * y, k, 1) - mu_x * mu_y
    ssim = ((2 * mu_x * mu_y + c1) * (2 * sigma_xy + c2) /
            ((mu_x**2 + mu_y**2 + c1) * (sigma_x + sigma_y + c2)))
    return ((1 - ssim) / 2).clamp(0, 1)


def census_transform(img: Tensor, radius: int = 1) -> Tensor:
    """Soft census ("ternary") transform of UnFlow, as used by ARFlow.

    The gray image (0.2989 R + 0.5870 G + 0.1140 B, x255) is compared with
    each of its (2r + 1)^2 neighbours (zero padding): ``t / sqrt(0.81 +
    t^2)`` with ``t = neighbour - centre``.

    Args:
        img (Tensor): (B, 3, H, W) RGB in [0, 1].
        radius (int): patch radius. Default 1.

    Returns:
        Tensor: (B, (2r + 1)^2, H, W).
    """
    k = 2 * radius + 1
    weights = img.new_tensor([0.2989, 0.5870, 0.1140]).view(1, 3, 1, 1)
    gray = (img * weights).sum(1, keepdim=True) * 255
    patches = F.unfold(
        gray, k, padding=radius).view(img.shape[0], k * k, *img.shape[-2:])
    t = patches - gray
    return t / torch.sqrt(0.81 + t**2)


def census_distance(x: Tensor, y: Tensor, radius: int = 1) -> Tensor:
    """Census distance: mean over the patch of ``d^2 / (0.1 + d^2)`` of the
    two soft census transforms, zero on an r-pixel border.

    Args:
        x (Tensor): (B, 3, H, W) RGB in [0, 1].
        y (Tensor): (B, 3, H, W) RGB in [0, 1].
        radius (int): patch radius. Default 1.

    Returns:
        Tensor: (B, 1, H, W).
    """
    d2 = (census_transform(x, radius) - census_transform(y, radius))**2
    dist = (d2 / (0.1 + d2)).mean(1, keepdim=True)
    border = torch.zeros_like(dist)
    border[..., radius:-radius, radius:-radius] = 1
    return dist * border
