"""Training loops."""
from .darts_search_loop import DARTSSearchLoop

__all__ = ['DARTSSearchLoop']
