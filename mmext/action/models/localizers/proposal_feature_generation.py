"""DBG's proposal feature generation (PFG) layer in pure PyTorch."""
from typing import Tuple

import torch
import torch.nn as nn
from mmaction.registry import MODELS
from torch import Tensor


def pfg_sampling_points(tscale: int,
                        start_num: int = 8,
                        center_num: int = 16,
                        end_num: int = 8) -> Tuple[Tensor, Tensor]:
    """Interpolation indices and weights of the PFG layer.

    For a proposal starting at snippet ``h`` and ending at snippet ``w``
    (``h <= w``, length ``L = w - h + 1``) DBG samples ``start_num`` points
    uniformly in the starting region ``[h - L/5, h + L/5]``, ``center_num``
    points in the action region ``[h, w]`` and ``end_num`` points in the
    ending region ``[w - L/5, w + L/5]``.  A point at real position ``p``
    takes ``(r - p) * x[clip(l)] + (p - l) * x[clip(r)]`` with ``l = floor(p)``
    and ``r = l + 1``, the indices clipped to ``[0, tscale - 1]``: points
    outside the video repeat the edge value, as the official CUDA kernel does.
    Entries with ``h > w`` get zero weights.

    Args:
        tscale (int): Temporal scale T of the input sequence.
        start_num (int): Sample points in the starting region.
        center_num (int): Sample points in the action region.
        end_num (int): Sample points in the ending region.

    Returns:
        tuple[Tensor, Tensor]: ``index`` (int64) and ``weight`` (float32),
        both of shape (2, N, T, T) with ``N = start_num + center_num +
        end_num``, indexed ``[left/right, n, h (start), w (end)]``.
    """
    if min(start_num, center_num, end_num) < 2:
        raise ValueError('PFG needs at least 2 sample points per region, got '
                         f'start_num={start_num}, center_num={center_num}, '
                         f'end_num={end_num}')
    pos = torch.arange(tscale, dtype=torch.float64)
    start = pos.view(tscale, 1).expand(tscale, tscale)  # h
    end = pos.view(1, tscale).expand(tscale, tscale)  # w
    length = end - start + 1
    boundary = 2 * length / 5

    def region(first: Tensor, span: Tensor, num: int) -> Tensor:
        steps = torch.arange(num, dtype=torch.float64).view(num, 1, 1)
        return first + steps * span / (num - 1)

    points = torch.cat([
        region(start - length / 5, boundary, start_num),
        region(start, end - start, center_num),
        region(end - length / 5, boundary, end_num),
    ])  # (N, T, T)
    left = torch.floor(points)
    weight = torch.stack([left + 1 - points, points - left])
    index = torch.stack([left, left + 1]).clamp_(0, tscale - 1).long()
    valid = (start <= end).to(weight.dtype)
    return index, (weight * valid).float()


@MODELS.register_module()
class ProposalFeatureGeneration(nn.Module):
    """Proposal feature generation layer (PFG) of DBG.

    A parameter-free, fixed linear map from a sequence of T snippets to a
    feature for every start/end pair: ``(B, C, T) -> (B, C, N, T, T)``, with
    ``N = start_num + center_num + end_num`` sample points per proposal (see
    :func:`pfg_sampling_points`).  It replaces the official CUDA op
    (``PropTcfg``), which no longer compiles, by one matrix product with a
    precomputed sampling matrix of shape (T, N * T * T) holding the two
    interpolation weights of every sample point; autograd gives the
    transposed map as the backward pass.  On CPU the product is faster than
    gathering, and on GPU it is a single GEMM.  The lower triangle (start >
    end) is zero.

    Args:
        tscale (int): Temporal scale T.
        start_num (int): Sample points in the starting region. Defaults to 8.
        center_num (int): Sample points in the action region. Defaults to 16.
        end_num (int): Sample points in the ending region. Defaults to 8.
    """

    def __init__(self,
                 tscale: int,
                 start_num: int = 8,
                 center_num: int = 16,
                 end_num: int = 8) -> None:
        super().__init__()
        self.tscale = tscale
        self.num_samples = start_num + center_num + end_num
        index, weight = pfg_sampling_points(tscale, start_num, center_num,
                                            end_num)
        columns = torch.arange(index[0].numel()).repeat(2)
        matrix = torch.zeros(tscale, index[0].numel())
        matrix.index_put_((index.flatten(), columns),
                          weight.flatten(),
                          accumulate=True)
        # A fixed map: rebuilt at construction, never saved in checkpoints.
        self.register_buffer('sampling_matrix', matrix, persistent=False)

    def forward(self, x: Tensor) -> Tensor:
        """Sample the proposal features.

        Args:
            x (Tensor): Sequence features of shape (B, C, T).

        Returns:
            Tensor: Proposal features of shape (B, C, N, T, T), indexed
            ``[b, c, n, start, end]``; zero where start > end.
        """
        if x.dim() != 3 or x.size(-1) != self.tscale:
            raise ValueError('ProposalFeatureGeneration expects (B, C, '
                             f'{self.tscale}) inputs, got {tuple(x.shape)}')
        out = torch.matmul(x, self.sampling_matrix.to(x.dtype))
        return out.view(*x.shape[:2], self.num_samples, self.tscale,
                        self.tscale)

    def extra_repr(self) -> str:
        return f'tscale={self.tscale}, num_samples={self.num_samples}'
