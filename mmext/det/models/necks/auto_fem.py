"""Auto-FEM: ASFD's searched feature enhance module (the fixed form)."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch.nn as nn
from mmcv.cnn import ConvModule
from mmdet.registry import MODELS
from mmengine.model import BaseModule
from torch import Tensor

from .auto_fem_cells import BiFPNCell, ContextCell
from .auto_fem_ops import build_op

# The genotype found by the authors (``AutoFPN`` in the public
# ``test_dsfdv2.py``): every cross-scale edge sep_conv_3x3, every
# same-level edge conv_1x1. A string stands for all edges of that kind.
AUTO_FPN_GENOTYPE = dict(
    top_down='sep_conv_3x3', bottom_up='sep_conv_3x3', lateral='conv_1x1')
# Our choice for the unreleased context cell: per node, (op, source state)
# pairs; an SSH/RFE-like cell whose receptive field grows node by node.
CONTEXT_GENOTYPE = (
    (('sep_conv_3x3', 0), ),
    (('dil_conv_3x3', 0), ('sep_conv_3x3', 1)),
    (('dil_conv_3x3_3', 0), ('dil_conv_3x3', 2)),
)

FPNGenotype = Dict[str, Union[str, Sequence[str]]]
ContextGenotype = Sequence[Sequence[Tuple[str, int]]]


def expand_fpn_genotype(genotype: FPNGenotype,
                        num_levels: int) -> Dict[str, List[str]]:
    """Per-edge op names of a pyramid genotype.

    Args:
        genotype (dict): ``top_down``, ``bottom_up`` (L-1 names each) and
            ``lateral`` (L names); a single name stands for every edge.
        num_levels (int): L.

    Returns:
        dict[str, list[str]]: the three lists at full length.
    """
    lengths = dict(
        top_down=num_levels - 1, bottom_up=num_levels - 1, lateral=num_levels)
    if set(genotype) != set(lengths):
        raise KeyError(f'fpn_genotype needs exactly the keys '
                       f'{sorted(lengths)}, got {sorted(genotype)}')
    out = {}
    for kind, length in lengths.items():
        ops = genotype[kind]
        ops = [ops] * length if isinstance(ops, str) else list(ops)
        if len(ops) != length:
            raise ValueError(f'fpn_genotype.{kind} needs {length} ops for '
                             f'{num_levels} levels, got {len(ops)}')
        out[kind] = ops
    return out


@MODELS.register_module()
class AutoFEM(BaseModule):
    """Auto-FEM neck of ASFD (arXiv 2003.11228), searched architecture.

    ``pyramid`` turns backbone maps into L equal-width levels, following the
    authors' public DSFDv2 code: extra levels on top of the last backbone
    map (each a 1x1 conv to ``extra_channels[0]`` and a 3x3 stride-2 conv to
    ``extra_channels[1]``, BN + ReLU), then a 1x1 lateral conv + BN + ReLU
    per level to ``out_channels``. These are the first-shot features of the
    dual-shot head. ``enhance`` applies ``num_cells`` stacked
    :class:`BiFPNCell` (feature-pyramid fusion, the AutoFPN half) and, with
    ``with_context``, one :class:`ContextCell` per level (the context
    enhancement half), giving the second-shot features.

    Args:
        in_channels (Sequence[int]): Channels of the backbone maps used.
        out_channels (int): Width C of every level (``fpn_cpm_channel``,
            128 in DSFDv2_r18). Scaled with the compound coefficient.
        num_outs (int): Number of levels L (6: strides 4 .. 128).
        extra_channels (tuple[int, int]): Middle and output width of the
            extra levels. Defaults to (128, 256) as in DSFDv2_r18.
        num_cells (int): Stacked pyramid cells (``fpn_layers``).
        fpn_genotype (dict, optional): Op per pyramid edge, see
            :func:`expand_fpn_genotype`. Defaults to the found
            ``AUTO_FPN_GENOTYPE``.
        with_context (bool): Whether to add the context cells.
        context_nodes (int): Nodes N of a context cell.
        context_genotype (Sequence, optional): Per node, (op, source)
            pairs. Defaults to ``CONTEXT_GENOTYPE`` (our choice).
        norm_cfg (dict): Norm config. Defaults to BN.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(
        self,
        in_channels: Sequence[int],
        out_channels: int = 128,
        num_outs: int = 6,
        extra_channels: Tuple[int, int] = (128, 256),
        num_cells: int = 1,
        fpn_genotype: Optional[FPNGenotype] = None,
        with_context: bool = True,
        context_nodes: int = 3,
        context_genotype: Optional[ContextGenotype] = None,
        norm_cfg: Optional[dict] = None,
        init_cfg: Optional[dict] = dict(
            type='Kaiming', layer='Conv2d', a=0, distribution='uniform')
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        self.in_channels = list(in_channels)
        if num_outs < len(self.in_channels):
            raise ValueError(f'num_outs={num_outs} < {len(in_channels)} '
                             'backbone levels')
        self.out_channels = out_channels
        self.num_outs = num_outs
        self.num_cells = num_cells
        self.with_context = with_context
        self.context_nodes = context_nodes
        self.norm_cfg = norm_cfg or dict(type='BN')

        level_channels = list(self.in_channels)
        self.extra_levels = nn.ModuleList()
        for _ in range(num_outs - len(self.in_channels)):
            self.extra_levels.append(
                nn.Sequential(
                    ConvModule(
                        level_channels[-1],
                        extra_channels[0],
                        1,
                        norm_cfg=self.norm_cfg),
                    ConvModule(
                        extra_channels[0],
                        extra_channels[1],
                        3,
                        stride=2,
                        padding=1,
                        norm_cfg=self.norm_cfg)))
            level_channels.append(extra_channels[1])
        self.laterals = nn.ModuleList(
            ConvModule(c, out_channels, 1, norm_cfg=self.norm_cfg)
            for c in level_channels)
        self.cells = nn.ModuleList(
            self._build_fpn_cell(fpn_genotype) for _ in range(num_cells))
        self.context = nn.ModuleList(
            self._build_context_cell(context_genotype)
            for _ in range(num_outs)) if with_context else None

    def _build_fpn_cell(self, genotype: Optional[FPNGenotype]) -> BiFPNCell:
        ops = expand_fpn_genotype(genotype or AUTO_FPN_GENOTYPE, self.num_outs)
        make = {
            kind: [build_op(n, self.out_channels, self.norm_cfg) for n in ns]
            for kind, ns in ops.items()
        }
        return BiFPNCell(self.out_channels, make['top_down'],
                         make['bottom_up'], make['lateral'], self.norm_cfg)

    def _build_context_cell(
            self, genotype: Optional[ContextGenotype]) -> ContextCell:
        genotype = genotype or CONTEXT_GENOTYPE
        if len(genotype) != self.context_nodes:
            raise ValueError(f'context_genotype has {len(genotype)} nodes, '
                             f'context_nodes={self.context_nodes}')
        edges, ops = [], []
        for node, pairs in enumerate(genotype, start=1):
            for name, source in pairs:
                edges.append((int(source), node))
                ops.append(build_op(name, self.out_channels, self.norm_cfg))
        return ContextCell(self.out_channels, self.context_nodes, edges, ops,
                           self.norm_cfg)

    def pyramid(self, inputs: Sequence[Tensor]) -> Tuple[Tensor, ...]:
        """Backbone maps -> L levels of width C (first-shot features).

        Args:
            inputs (Sequence[Tensor]): ``len(in_channels)`` maps
                (N, in_channels[i], H_i, W_i), fine to coarse.

        Returns:
            tuple[Tensor]: L maps (N, C, H_k, W_k).
        """
        if len(inputs) != len(self.in_channels):
            raise ValueError(f'AutoFEM expects {len(self.in_channels)} '
                             f'backbone maps, got {len(inputs)}')
        levels = list(inputs)
        for extra in self.extra_levels:
            levels.append(extra(levels[-1]))
        return tuple(lat(x) for lat, x in zip(self.laterals, levels))

    def arch_weights(self) -> Optional[dict]:
        """Architecture weights of one forward pass; None when fixed."""
        return None

    def enhance(self, feats: Sequence[Tensor]) -> Tuple[Tensor, ...]:
        """First-shot levels -> second-shot levels (pyramid fusion cells,
        then context cells).

        Args:
            feats (Sequence[Tensor]): L maps (N, C, H_k, W_k).

        Returns:
            tuple[Tensor]: L maps of the same shapes.
        """
        arch = self.arch_weights() or {}
        for cell in self.cells:
            feats = cell(feats, arch.get('fpn'))
        if self.context is None:
            return tuple(feats)
        return tuple(
            cell(x, arch.get('context_ops'), arch.get('context_edges'))
            for cell, x in zip(self.context, feats))

    def forward(self, inputs: Sequence[Tensor]) -> Tuple[Tensor, ...]:
        """Backbone maps -> L enhanced levels (second-shot features)."""
        return self.enhance(self.pyramid(inputs))
