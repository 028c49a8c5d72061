"""Cost volume of PWC-Net / PWC-Lite in plain, vectorised PyTorch."""
import torch
import torch.nn.functional as F
from torch import Tensor, nn

from mmext.registry import MODELS


def correlation(feat1: Tensor, feat2: Tensor,
                max_displacement: int = 4) -> Tensor:
    """Correlation of ``feat1`` with ``feat2`` over a square search window.

    ``out[b, (dy + d) * (2d + 1) + (dx + d), y, x] = mean_c feat1[b, c, y, x]
    * feat2[b, c, y + dy, x + dx]`` with ``d = max_displacement``, zero
    outside ``feat2``: the channel mean of the FlowNet / PWC-Net CUDA kernel
    (kernel size 1, stride 1), which ARFlow's ``correlation_native.py``
    reproduces with one Python loop per displacement.

    All displacements are computed at once: for every pixel row, a batched
    matrix product of ``feat1`` tiles of ``t`` pixels with the ``t + 2d``
    ``feat2`` pixels they can reach gives every dot product of the band, and
    a strided view keeps the ``2d + 1`` diagonals of each dy.  The matrix
    products run on the BLAS / cuBLAS kernels, so the layer costs a small
    multiple of one 1x1 convolution.

    Args:
        feat1 (Tensor): (B, C, H, W) features of the first frame.
        feat2 (Tensor): (B, C, H, W) features of the (warped) second frame.
        max_displacement (int): the search radius d. Default 4 (81
            displacements), as PWC-Lite.

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
    # tile width: a wider tile wastes more products (t + 2d per t needed
    # 2d + 1), a narrower one makes the matrices tiny.
    t = min(w, 16)
    n_tiles = -(-w // t)
    wp = n_tiles * t
    # (B, H, W', C) channels-last, x padded right to whole tiles
    f1 = F.pad(feat1, (0, wp - w)).permute(0, 2, 3, 1)
    f1 = f1.reshape(b, 1, h, n_tiles, t, c)
    # (B, H + 2d, W' + 2d, C), zero border for the search window
    f2 = F.pad(feat2, (d, d + wp - w, d, d)).permute(0, 2, 3, 1).contiguous()
    # overlapping windows: (B, k dy, H, tiles, t + 2d, C) as a strided view
    sb, sy, sx, sc = f2.stride()
    win = f2.as_strided((b, k, h, n_tiles, t + 2 * d, c),
                        (sb, sy, sy, t * sx, sx, sc))
    # (B, k, H, tiles, t, t + 2d): every pair in the band and some more
    prod = torch.matmul(f1, win.transpose(-1, -2))
    # diagonal band: pixel i of a tile meets window pixels i .. i + 2d
    prod = prod.contiguous()
    pb, pk, py, pn, pi, pj = prod.stride()
    band = prod.as_strided((b, k, h, n_tiles, t, k),
                           (pb, pk, py, pn, pi + pj, pj),
                           prod.storage_offset())
    # (B, k dy, k dx, H, W)
    out = band.permute(0, 1, 5, 2, 3, 4).reshape(b, k, k, h, wp)[..., :w]
    return out.reshape(b, k * k, h, w) / c


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


def correlation_reference(feat1: Tensor, feat2: Tensor,
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
