"""Necks: ASFD's Auto-FEM (searched form and supernet)."""
from .auto_fem import AUTO_FPN_GENOTYPE, CONTEXT_GENOTYPE, AutoFEM
from .auto_fem_ops import CPM_PRIMITIVES, FPN_PRIMITIVES
from .auto_fem_search import AutoFEMSearch, MixedOp

__all__ = [
    'AutoFEM', 'AutoFEMSearch', 'MixedOp', 'AUTO_FPN_GENOTYPE',
    'CONTEXT_GENOTYPE', 'FPN_PRIMITIVES', 'CPM_PRIMITIVES'
]
