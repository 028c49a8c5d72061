"""Localizers of mmext.action."""
from .action_aware_completeness_regression import \
    ActionAwareCompletenessRegression
from .batched_soft_nms import batched_soft_nms
from .dbg import DBG
from .dual_stream_base_net import DualStreamBaseNet
from .proposal_feature_generation import (ProposalFeatureGeneration,
                                          pfg_sampling_points)
from .temporal_boundary_classification import TemporalBoundaryClassification

__all__ = [
    'ActionAwareCompletenessRegression', 'batched_soft_nms', 'DBG',
    'DualStreamBaseNet', 'ProposalFeatureGeneration', 'pfg_sampling_points',
    'TemporalBoundaryClassification'
]
