from .curricularface_head import CurricularFaceHead
from .margins import (ArcFaceMargin, BaseMargin, CosFaceMargin,
                      CurricularFaceMargin, additive_angular_margin,
                      curriculum_modulation, update_curriculum_t)
from .partial_fc_head import PartialFCDataParallel, PartialFCHead, shard_range
from .partial_fc_hook import PartialFCCheckpointHook

__all__ = [
    'CurricularFaceHead', 'BaseMargin', 'ArcFaceMargin', 'CosFaceMargin',
    'CurricularFaceMargin', 'additive_angular_margin',
    'curriculum_modulation', 'update_curriculum_t', 'PartialFCHead',
    'PartialFCDataParallel', 'PartialFCCheckpointHook', 'shard_range'
]
