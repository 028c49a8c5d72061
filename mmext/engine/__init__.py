"""Task-independent engine parts, registered in mmengine's root registries
so that configs of every scope (mmpretrain, mmdet, mmpose, mmaction, mmext)
find them by ``type`` once ``mmext.engine`` is imported."""
from .rng_state_hook import RNGStateHook

__all__ = ['RNGStateHook']
