"""Optimizer wrapper constructors."""
from .darts_optim_wrapper_constructor import (DARTSOptimWrapperConstructor,
                                              is_arch_param)

__all__ = ['DARTSOptimWrapperConstructor', 'is_arch_param']
