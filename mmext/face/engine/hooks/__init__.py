from .fan_stage_hook import FANStageHook

__all__ = ['FANStageHook']
