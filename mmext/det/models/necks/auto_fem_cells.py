"""The two cells of ASFD's Auto-FEM: pyramid fusion and context enhancement.

Both cells are written once and used by the searched (fixed) neck
:class:`AutoFEM` and by the supernet :class:`AutoFEMSearch`: an edge is any
module ``op(x)`` in the fixed form and a :class:`MixedOp` called as
``op(x, weights)`` in the supernet, where ``weights`` is that edge's row of
sampled architecture weights.
"""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from torch import Tensor


def _call(op: nn.Module, x: Tensor, weights: Optional[Tensor]) -> Tensor:
    return op(x) if weights is None else op(x, weights)


class BiFPNCell(BaseModule):
    """Searched bidirectional feature-pyramid fusion cell of Auto-FEM.

    With equal-width inputs f_1 ... f_L (fine to coarse), following
    ``BiFPN_From_Genotype`` of the authors' public DSFDv2 code:

    - top-down: ``td_L = f_L``; ``td_k = op(up(td_{k+1}) * f_k)``, with
      ``up`` a bilinear upsampling (``align_corners=True``) and ``*`` the
      element-wise product fusion of DSFD's FPN;
    - bottom-up: ``du_1 = f_1``; ``du_k = op(maxpool3x3s2(du_{k-1}) * f_k)``;
    - same level: ``out_k = op(f_k)``;
    - output: ``P_k = Conv1x1(sum_i softmax(w_k)_i * branch_i)`` over the
      branches {td, out} at level 1, {td, du, out} at levels 2 .. L-1 and
      {du, out} at level L. ``w_k`` starts at ``1e-3 * randn`` as in the
      public code. The 1x1 output convolution is followed by BN (our choice,
      the public code's norm placement is not visible).

    Args:
        channels (int): Width C of every level.
        top_down (Sequence[nn.Module]): L-1 edge ops; ``top_down[k]`` makes
            level k (0-based) from level k+1.
        bottom_up (Sequence[nn.Module]): L-1 edge ops; ``bottom_up[k]`` makes
            level k+1 from level k.
        lateral (Sequence[nn.Module]): L same-level edge ops.
        norm_cfg (dict): Norm of the output convolutions.
    """

    def __init__(self, channels: int, top_down: Sequence[nn.Module],
                 bottom_up: Sequence[nn.Module], lateral: Sequence[nn.Module],
                 norm_cfg: dict) -> None:
        super().__init__()
        levels = len(lateral)
        if levels < 2 or len(top_down) != levels - 1 or len(
                bottom_up) != levels - 1:
            raise ValueError(
                f'BiFPNCell needs L >= 2 lateral and L-1 top-down/bottom-up '
                f'ops, got {len(lateral)}/{len(top_down)}/{len(bottom_up)}')
        self.num_levels = levels
        self.top_down = nn.ModuleList(top_down)
        self.bottom_up = nn.ModuleList(bottom_up)
        self.lateral = nn.ModuleList(lateral)
        # columns: td, du, out; level 1 has no du branch, level L no td
        self.fusion_weights = nn.Parameter(1e-3 * torch.randn(levels, 3))
        mask = torch.ones(levels, 3, dtype=torch.bool)
        mask[0, 1] = False
        mask[-1, 0] = False
        self.register_buffer('branch_mask', mask, persistent=False)
        self.out_convs = nn.ModuleList(
            ConvModule(channels, channels, 1, norm_cfg=norm_cfg, act_cfg=None)
            for _ in range(levels))

    def fusion_softmax(self) -> Tensor:
        """Softmax-normalised branch weights, shape (L, 3) (td, du, out);
        absent branches get weight 0."""
        logits = self.fusion_weights.masked_fill(~self.branch_mask,
                                                 float('-inf'))
        return logits.softmax(dim=1)

    def forward(self,
                feats: Sequence[Tensor],
                arch: Optional[dict] = None) -> Tuple[Tensor, ...]:
        """Fuse the pyramid.

        Args:
            feats (Sequence[Tensor]): L maps of shape (N, C, H_k, W_k).
            arch (dict, optional): Supernet edge weights ``top_down`` (L-1,
                n_ops), ``bottom_up`` (L-1, n_ops), ``lateral`` (L, n_ops);
                None for the fixed cell.

        Returns:
            tuple[Tensor]: L maps, shapes as the inputs.
        """
        if len(feats) != self.num_levels:
            raise ValueError(f'BiFPNCell built for {self.num_levels} levels '
                             f'got {len(feats)}')
        arch = arch or {}

        def row(kind: str, i: int) -> Optional[Tensor]:
            return arch[kind][i] if kind in arch else None

        levels = self.num_levels
        td: List[Tensor] = [feats[-1]] * levels
        for k in range(levels - 2, -1, -1):
            up = F.interpolate(
                td[k + 1],
                size=feats[k].shape[-2:],
                mode='bilinear',
                align_corners=True)
            td[k] = _call(self.top_down[k], up * feats[k], row('top_down', k))
        du: List[Tensor] = [feats[0]] * levels
        for k in range(1, levels):
            down = F.max_pool2d(du[k - 1], 3, stride=2, padding=1)
            if down.shape[-2:] != feats[k].shape[-2:]:
                down = F.interpolate(
                    down, size=feats[k].shape[-2:], mode='nearest')
            du[k] = _call(self.bottom_up[k - 1], down * feats[k],
                          row('bottom_up', k - 1))
        weights = self.fusion_softmax()
        outs = []
        for k in range(levels):
            fused = weights[k, 2] * _call(self.lateral[k], feats[k],
                                          row('lateral', k))
            if k < levels - 1:
                fused = fused + weights[k, 0] * td[k]
            if k > 0:
                fused = fused + weights[k, 1] * du[k]
            outs.append(self.out_convs[k](fused))
        return tuple(outs)


class ContextCell(BaseModule):
    """Context-enhancement cell of Auto-FEM (one per pyramid level).

    A DARTS-style cell: state 0 is the input, node i (1 .. N) sums its
    incoming edges ``op(state_j)`` (j < i), and the output is
    ``ConvModule1x1(concat(node_1 .. node_N))`` (BN, ReLU) back to C
    channels, in the multi-branch, growing-receptive-field form of DSFD's
    FEM and SSH. The paper's searched context cell is not public; its
    topology (N nodes, top-2 incoming edges per node) is our choice.

    Args:
        channels (int): Width C.
        num_nodes (int): Intermediate nodes N.
        edges (Sequence[tuple[int, int]]): (source, node) of every edge,
            ``0 <= source < node <= N``.
        ops (Sequence[nn.Module]): One op per edge.
        norm_cfg (dict): Norm of the output convolution.
    """

    def __init__(self, channels: int, num_nodes: int,
                 edges: Sequence[Tuple[int, int]], ops: Sequence[nn.Module],
                 norm_cfg: dict) -> None:
        super().__init__()
        if len(edges) != len(ops):
            raise ValueError(f'{len(edges)} edges but {len(ops)} ops')
        for source, node in edges:
            if not 0 <= source < node <= num_nodes:
                raise ValueError(f'edge ({source}, {node}) is not a valid '
                                 f'edge of a {num_nodes}-node cell')
        missing = set(range(1, num_nodes + 1)) - {n for _, n in edges}
        if missing:
            raise ValueError(f'nodes {sorted(missing)} have no input edge')
        self.num_nodes = num_nodes
        self.edges = [tuple(e) for e in edges]
        self.ops = nn.ModuleList(ops)
        self.out_conv = ConvModule(
            num_nodes * channels, channels, 1, norm_cfg=norm_cfg)

    def forward(self,
                x: Tensor,
                op_weights: Optional[Tensor] = None,
                edge_weights: Optional[Tensor] = None) -> Tensor:
        """Enhance one level.

        Args:
            x (Tensor): (N, C, H, W).
            op_weights (Tensor, optional): Supernet op weights per edge,
                (E, n_ops); None for the fixed cell.
            edge_weights (Tensor, optional): Edge-normalisation weights,
                (E,); None sums the edges with weight 1.

        Returns:
            Tensor: (N, C, H, W).
        """
        states = [x]
        for node in range(1, self.num_nodes + 1):
            total = 0
            for e, (source, target) in enumerate(self.edges):
                if target != node:
                    continue
                out = _call(self.ops[e], states[source],
                            None if op_weights is None else op_weights[e])
                if edge_weights is not None:
                    out = edge_weights[e] * out
                total = total + out
            states.append(total)
        return self.out_conv(torch.cat(states[1:], dim=1))
