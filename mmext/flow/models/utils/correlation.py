"""Cost volume of PWC-Net / PWC-Lite in plain, vectorised PyTorch."""
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmext.registry import MODELS


def correlation(feat1: Tensor,
                feat2: Tensor,
                max_displacement: int = 4,
                tile: int = 8) -> Tensor:
    """Correlation of ``feat1`` with ``feat2`` over a square search window.

    ``out[b, (dy + d) * (2d + 1) + (dx + d), y, x] = mean_c feat1[b, c, y, x]
    * feat2[b, c, y + dy, x + dx]`` with ``d = max_displacement``, zero
    outside ``feat2``: the channel mean of the FlowNet / PWC-Net CUDA kernel
    (kernel size 1, stride 1), which ARFlow's ``correlation_native.py``
    computes with one product per displacement.

    All displacements at once, as matrix products: the first frame is cut
    into ``tile x tile`` pixel blocks, and each block is multiplied (one
    batched GEMM over the channels) with the ``(tile + 2d)^2`` second-frame
    pixels its search windows cover, which gives every dot product the
    block needs (and some it does not); a strided view then picks the
    ``(2d + 1)^2`` displacements of every pixel.  The data is read about
    four times instead of once per displacement, and the products run on
    the BLAS / cuBLAS kernels.

    Args:
        feat1 (Tensor): (B, C, H, W) features of the first frame.
        feat2 (Tensor): (B, C, H, W) features of the (warped) second frame.
        max_displacement (int): the search radius d. Default 4 (81
            displacements), as PWC-Lite.
        tile (int): block size; 8 balances wasted products against GEMM
            size. Default 8.

    Returns:
        Tensor: (B, (2d + 1)^2, H, W) correlation, dy-major.
    """
    if feat1.shape != feat2.shape or feat1.dim() != 4:
        raise ValueError('correlation expects two (B, C, H, W) tensors of '
                         f'one shape, got {tuple(feat1.shape)} and '
                         f'{tuple(feat2.shape)}')
    b, c, h, w = feat1.shape
    d = max_displacement
    k = 2 * d + 1
    ty, tx = min(tile, h), min(tile, w)
    ny, nx = -(-h // ty), -(-w // tx)
    hp, wp = ny * ty, nx * tx
    wy, wx = ty + 2 * d, tx + 2 * d
    # blocks of the first frame: (B * ny * nx, ty * tx, C)
    f1 = F.pad(feat1, (0, wp - w, 0, hp - h)).view(b, c, ny, ty, nx, tx)
    f1 = f1.permute(0, 2, 4, 3, 5, 1).reshape(b * ny * nx, ty * tx, c)
    # their search areas in the zero-padded second frame:
    # (B * ny * nx, C, wy * wx)
    f2 = F.pad(feat2, (d, d + wp - w, d, d + hp - h))
    win = f2.unfold(2, wy, ty).unfold(3, wx, tx)
    win = win.permute(0, 2, 3, 1, 4, 5).reshape(b * ny * nx, c, wy * wx)
    prod = torch.bmm(f1, win)  # (B * ny * nx, ty * tx, wy * wx)
    # pixel (iy, ix) of a block meets area pixel (iy + dy, ix + dx)
    q = wy * wx
    band = prod.as_strided((prod.shape[0], ty, tx, k, k),
                           (ty * tx * q, tx * q + wx, q + 1, wx, 1))
    out = band.reshape(b, ny, nx, ty, tx, k * k).permute(0, 5, 1, 3, 2, 4)
    return out.reshape(b, k * k, hp, wp)[..., :h, :w] / c


@MODELS.register_module()
class Correlation(nn.Module):
    """The cost volume layer of PWC-Lite (search range 4, 81 channels).

    Args:
        max_displacement (int): search radius in pixels. Default 4.
    """

    def __init__(self, max_displacement: int = 4) -> None:
        super().__init__()
        self.max_displacement = max_displacement

    def forward(self, feat1: Tensor, feat2: Tensor) -> Tensor:
        """See :func:`correlation`."""
        return correlation(feat1, feat2, self.max_displacement)


def correlation_reference(feat1: Tensor,
                          feat2: Tensor,
                          max_displacement: int = 4) -> Tensor:
    """ARFlow's ``correlation_native.py`` form: one product per displacement.

    The straightforward implementation the vectorised :func:`correlation` is
    checked and timed against (tests, ``benchmark_arflow.py``).
    """
    d = max_displacement
    _, _, h, w = feat1.shape
    padded = F.pad(feat2, (d, d, d, d))
    out = [(feat1 * padded[:, :, dy:dy + h, dx:dx + w]).mean(1)
           for dy in range(2 * d + 1) for dx in range(2 * d + 1)]
    return torch.stack(out, 1)
