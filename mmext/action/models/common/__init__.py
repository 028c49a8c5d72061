"""Temporal modules of mmext.action."""
from .mem import MEM
from .tei import TEI
from .tim import TIM

__all__ = ['MEM', 'TIM', 'TEI']
