"""Auto-FEM search space as a supernet (ASFD's improved DARTS)."""
from collections import OrderedDict
from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmdet.registry import MODELS
from torch import Tensor

from .auto_fem import AutoFEM
from .auto_fem_cells import BiFPNCell, ContextCell
from .auto_fem_ops import CPM_PRIMITIVES, FPN_PRIMITIVES, build_op

FPN_KINDS = ('top_down', 'bottom_up', 'lateral')


def channel_shuffle(x: Tensor, groups: int) -> Tensor:
    """ShuffleNet channel shuffle of (N, C, H, W) with ``groups`` groups."""
    n, c, h, w = x.shape
    x = x.view(n, groups, c // groups, h, w).transpose(1, 2)
    return x.reshape(n, c, h, w)


def hard_gumbel_softmax(logits: Tensor,
                        tau: float,
                        noise_scale: float = 1.0) -> Tensor:
    """One-hot samples of ``softmax((logits + s * g) / tau)``, g ~ Gumbel,
    with the straight-through gradient of the soft sample (GDAS).

    Args:
        logits (Tensor): (..., n) architecture parameters.
        tau (float): Temperature.
        noise_scale (float): s; 1 is the standard Gumbel-max sample, 0 the
            plain argmax (the public DSFDv2 code uses 1e-3).

    Returns:
        Tensor: (..., n) one-hot rows (values exactly 0 / 1).
    """
    gumbel = -torch.empty_like(logits).exponential_().log()
    soft = ((logits + noise_scale * gumbel) / tau).softmax(-1)
    hard = F.one_hot(soft.argmax(-1), logits.shape[-1]).to(logits.dtype)
    return hard - soft.detach() + soft


class MixedOp(nn.Module):
    """One searchable edge: all candidate ops on a partial channel slice.

    Forward (``weights`` a one-hot row with straight-through gradients, as
    produced by hard Gumbel-softmax sampling in GDAS): only the selected op
    runs, on the first C/K channels (PC-DARTS partial channels); its output
    times the selected weight is concatenated with the untouched C - C/K
    channels and channel-shuffled. With K = 1 it is exactly the selected op.

    Args:
        channels (int): Width C.
        primitives (Sequence[str]): Candidate op names.
        partial_channels (int): K, must divide C.
        norm_cfg (dict): Norm config of the ops.
    """

    def __init__(self, channels: int, primitives: Sequence[str],
                 partial_channels: int, norm_cfg: dict) -> None:
        super().__init__()
        if channels % partial_channels:
            raise ValueError(f'partial_channels={partial_channels} must '
                             f'divide the width {channels}')
        self.k = partial_channels
        self.ops = nn.ModuleList(
            build_op(p, channels // partial_channels, norm_cfg)
            for p in primitives)

    def forward(self, x: Tensor, weights: Tensor) -> Tensor:
        """(N, C, H, W) and a one-hot (n_ops,) row -> (N, C, H, W)."""
        idx = int(weights.argmax())
        part = x.shape[1] // self.k
        out = self.ops[idx](x[:, :part]) * weights[idx]
        if self.k == 1:
            return out
        return channel_shuffle(torch.cat([out, x[:, part:]], dim=1), self.k)


@MODELS.register_module()
class AutoFEMSearch(AutoFEM):
    """Supernet of the Auto-FEM search space (ASFD's improved DARTS).

    Every pyramid edge (top-down, bottom-up, same level) chooses among
    ``fpn_primitives`` and every context-cell edge among
    ``context_primitives``; the context cell is fully connected (node i
    takes every earlier state). One set of architecture parameters is shared
    by all stacked pyramid cells and by the context cells of all levels, as
    the public genotype format has one entry per node. The search follows
    the public DSFDv2 code's improvements over DARTS:

    - hard Gumbel-softmax sampling of one op per edge (GDAS), temperature
      ``tau`` (annealed by :class:`DARTSSearchLoop`); only the sampled op
      runs;
    - partial channels (PC-DARTS, ``groups: 4`` in the public config);
    - edge normalisation (PC-DARTS): node inputs weighted by a softmax of
      per-edge parameters ``beta``; a derived node keeps its
      ``edges_per_node`` strongest edges, strength = softmax(beta) x max
      softmax(alpha).

    Parameters whose name starts with ``arch_`` are the architecture
    parameters (initialised ``1e-3 * randn``); the rest are weights. In eval
    mode the supernet runs the discrete architecture of
    :meth:`derive_genotype`; with ``partial_channels=1`` it is then the
    fixed :class:`AutoFEM` with the weights of :meth:`fixed_state_dict`.

    Args:
        fpn_primitives (Sequence[str]): Pyramid candidates.
        context_primitives (Sequence[str]): Context candidates.
        partial_channels (int): K of PC-DARTS. Defaults to 4.
        tau (float): Initial Gumbel temperature. Defaults to 10 (GDAS).
        noise_scale (float): Scale of the Gumbel noise, see
            :func:`hard_gumbel_softmax`. Defaults to 1 (GDAS); the public
            DSFDv2 code uses 1e-3.
        edges_per_node (int): Edges kept per context node. Defaults to 2.
        **kwargs: :class:`AutoFEM` arguments except the genotypes.
    """

    def __init__(self,
                 *args,
                 fpn_primitives: Sequence[str] = FPN_PRIMITIVES,
                 context_primitives: Sequence[str] = CPM_PRIMITIVES,
                 partial_channels: int = 4,
                 tau: float = 10.0,
                 noise_scale: float = 1.0,
                 edges_per_node: int = 2,
                 **kwargs) -> None:
        for key in ('fpn_genotype', 'context_genotype'):
            if kwargs.get(key) is not None:
                raise ValueError(f'AutoFEMSearch searches {key}; do not '
                                 'pass one')
        self.fpn_primitives = tuple(fpn_primitives)
        self.context_primitives = tuple(context_primitives)
        self.partial_channels = partial_channels
        self.edges_per_node = edges_per_node
        super().__init__(*args, **kwargs)
        self.tau = tau
        self.noise_scale = noise_scale
        levels, n = self.num_outs, len(self.fpn_primitives)
        self.arch_top_down = nn.Parameter(1e-3 * torch.randn(levels - 1, n))
        self.arch_bottom_up = nn.Parameter(1e-3 * torch.randn(levels - 1, n))
        self.arch_lateral = nn.Parameter(1e-3 * torch.randn(levels, n))
        edges = self.context_edges
        self.arch_context_ops = nn.Parameter(
            1e-3 * torch.randn(len(edges), len(self.context_primitives)))
        self.arch_context_edges = nn.Parameter(1e-3 * torch.randn(len(edges)))
        self.register_buffer(
            'edge_nodes',
            torch.tensor([node for _, node in edges]),
            persistent=False)

    @property
    def context_edges(self) -> List[Tuple[int, int]]:
        """(source, node) of every supernet context edge, node-major."""
        return [(s, i) for i in range(1, self.context_nodes + 1)
                for s in range(i)]

    def _mixed(self, primitives: Sequence[str]) -> MixedOp:
        return MixedOp(self.out_channels, primitives, self.partial_channels,
                       self.norm_cfg)

    def _build_fpn_cell(self, genotype) -> BiFPNCell:
        levels = self.num_outs
        return BiFPNCell(
            self.out_channels,
            [self._mixed(self.fpn_primitives) for _ in range(levels - 1)],
            [self._mixed(self.fpn_primitives) for _ in range(levels - 1)],
            [self._mixed(self.fpn_primitives)
             for _ in range(levels)], self.norm_cfg)

    def _build_context_cell(self, genotype) -> ContextCell:
        edges = self.context_edges
        return ContextCell(
            self.out_channels, self.context_nodes, edges,
            [self._mixed(self.context_primitives)
             for _ in edges], self.norm_cfg)

    def edge_softmax(self) -> Tensor:
        """Edge normalisation: softmax of ``beta`` over each node's
        incoming edges, shape (E,)."""
        beta = self.arch_context_edges
        nodes = self.edge_nodes
        same = nodes[:, None] == nodes[None, :]
        # log-sum-exp over the edges of the same node, vectorised
        denom = torch.logsumexp(
            beta[None, :].masked_fill(~same, float('-inf')), dim=1)
        return (beta - denom).exp()

    def _kept_edges(self) -> Tensor:
        """Bool (E,) mask of the edges kept by the derived context cell."""
        strength = self.edge_softmax() * self.arch_context_ops.softmax(-1).max(
            -1).values
        keep = torch.zeros_like(strength, dtype=torch.bool)
        for node in range(1, self.context_nodes + 1):
            idx = (self.edge_nodes == node).nonzero().flatten()
            top = strength[idx].topk(min(self.edges_per_node, len(idx)))[1]
            keep[idx[top]] = True
        return keep

    def arch_weights(self) -> Dict[str, object]:
        """Sampled (train) or derived (eval) architecture weights.

        Returns:
            dict: ``fpn`` (dict of (L-1 | L, n_ops) one-hot rows per kind),
            ``context_ops`` (E, m) one-hot rows and ``context_edges`` (E,).
        """
        alphas = dict(
            top_down=self.arch_top_down,
            bottom_up=self.arch_bottom_up,
            lateral=self.arch_lateral)
        if self.training:

            def sample(a: Tensor) -> Tensor:
                return hard_gumbel_softmax(a, self.tau, self.noise_scale)

            fpn = {k: sample(a) for k, a in alphas.items()}
            return dict(
                fpn=fpn,
                context_ops=sample(self.arch_context_ops),
                context_edges=self.edge_softmax())

        def argmax(a: Tensor) -> Tensor:
            return F.one_hot(a.argmax(-1), a.shape[-1]).to(a.dtype)

        return dict(
            fpn={
                k: argmax(a)
                for k, a in alphas.items()
            },
            context_ops=argmax(self.arch_context_ops),
            context_edges=self._kept_edges().to(self.arch_context_ops.dtype))

    def set_temperature(self, tau: float) -> None:
        """Set the Gumbel-softmax temperature."""
        self.tau = tau

    @torch.no_grad()
    def derive_genotype(self) -> dict:
        """The discrete architecture: argmax op per edge; for the context
        cell, the strongest ``edges_per_node`` edges of each node.

        Returns:
            dict: ``fpn_genotype`` and ``context_genotype`` in the formats of
            :class:`AutoFEM`.
        """
        fpn = {
            kind: [
                self.fpn_primitives[i]
                for i in getattr(self, f'arch_{kind}').argmax(-1).tolist()
            ]
            for kind in FPN_KINDS
        }
        ops = self.arch_context_ops.argmax(-1).tolist()
        keep = self._kept_edges().tolist()
        context = [[] for _ in range(self.context_nodes)]
        for e, (source, node) in enumerate(self.context_edges):
            if keep[e]:
                context[node - 1].append(
                    (self.context_primitives[ops[e]], source))
        return dict(fpn_genotype=fpn, context_genotype=context)

    def fixed_kwargs(self) -> dict:
        """Keyword arguments of the equivalent fixed :class:`AutoFEM`."""
        return dict(
            in_channels=self.in_channels,
            out_channels=self.out_channels,
            num_outs=self.num_outs,
            extra_channels=(self.extra_levels[0][0].conv.out_channels,
                            self.extra_levels[0][1].conv.out_channels)
            if len(self.extra_levels) else (128, 256),
            num_cells=self.num_cells,
            with_context=self.with_context,
            context_nodes=self.context_nodes,
            norm_cfg=self.norm_cfg,
            **self.derive_genotype())

    def fixed_state_dict(self) -> 'OrderedDict[str, Tensor]':
        """Weights of the derived fixed :class:`AutoFEM`: the selected op of
        every edge and every shared layer. Needs ``partial_channels=1``
        (with K > 1 the ops are C/K wide and the fixed net is retrained).
        """
        if self.partial_channels != 1:
            raise ValueError('fixed_state_dict needs partial_channels=1, '
                             f'got {self.partial_channels}')
        genotype = self.derive_genotype()
        chosen = {}  # supernet edge prefix -> (op index, fixed prefix)
        for c in range(self.num_cells):
            for kind in FPN_KINDS:
                names = genotype['fpn_genotype'][kind]
                for k, name in enumerate(names):
                    prefix = f'cells.{c}.{kind}.{k}.'
                    chosen[prefix] = (self.fpn_primitives.index(name), prefix)
        kept = []  # supernet edge index of each fixed edge, genotype order
        for node, pairs in enumerate(genotype['context_genotype'], start=1):
            for name, source in pairs:
                kept.append((self.context_edges.index(
                    (source, node)), self.context_primitives.index(name)))
        for level in range(self.num_outs if self.with_context else 0):
            for e in range(len(self.context_edges)):  # dropped edges
                chosen[f'context.{level}.ops.{e}.'] = None
            for fixed_e, (e, op) in enumerate(kept):
                chosen[f'context.{level}.ops.{e}.'] = (
                    op, f'context.{level}.ops.{fixed_e}.')
        out = OrderedDict()
        for key, value in self.state_dict().items():
            if key.startswith('arch_'):
                continue
            prefix = next((p for p in chosen if key.startswith(p)), None)
            if prefix is None:
                out[key] = value
                continue
            if chosen[prefix] is None:
                continue
            op, fixed_prefix = chosen[prefix]
            head = f'{prefix}ops.{op}.'
            if key.startswith(head):
                out[fixed_prefix + key[len(head):]] = value
        return out
