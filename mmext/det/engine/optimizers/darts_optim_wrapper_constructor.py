"""Optimizer wrappers for differentiable architecture search."""
import copy
from typing import List, Optional

import torch.nn as nn
from mmdet.registry import (OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS,
                            OPTIMIZERS)
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict


def is_arch_param(name: str) -> bool:
    """Whether a parameter name is an architecture parameter (``arch_*``)."""
    return name.rpartition('.')[2].startswith('arch_')


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class DARTSOptimWrapperConstructor:
    """Two optimizer wrappers: ``weights`` and ``architecture``.

    Parameters named ``arch_*`` (see :class:`AutoFEMSearch`) go to the
    ``architecture`` wrapper, all others to ``weights``; the two are stepped
    alternately by :class:`DARTSSearchLoop`. Example::

        optim_wrapper = dict(
            constructor='DARTSOptimWrapperConstructor',
            weights=dict(optimizer=dict(type='SGD', lr=0.025, momentum=0.9,
                                        weight_decay=3e-4)),
            architecture=dict(optimizer=dict(type='Adam', lr=3e-4,
                                             betas=(0.5, 0.999),
                                             weight_decay=1e-3)))

    Args:
        optim_wrapper_cfg (dict): ``weights`` and ``architecture`` optimizer
            wrapper configs (``type`` defaults to ``OptimWrapper``).
        paramwise_cfg (dict, optional): Not supported (must be None).
    """

    KEYS = ('weights', 'architecture')

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None) -> None:
        if set(optim_wrapper_cfg) != set(self.KEYS):
            raise KeyError('DARTSOptimWrapperConstructor needs exactly the '
                           f'optim_wrapper keys {self.KEYS}, got '
                           f'{sorted(optim_wrapper_cfg)}')
        if paramwise_cfg:
            raise ValueError('DARTSOptimWrapperConstructor does not support '
                             'paramwise_cfg')
        self.optim_wrapper_cfg = optim_wrapper_cfg

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        """Split ``model``'s parameters and build both wrappers."""
        if is_model_wrapper(model):
            model = model.module
        groups: dict = {key: [] for key in self.KEYS}
        for name, param in model.named_parameters():
            if param.requires_grad:
                key = 'architecture' if is_arch_param(name) else 'weights'
                groups[key].append(param)
        if not groups['architecture']:
            raise ValueError('DARTSOptimWrapperConstructor: the model has no '
                             'architecture parameters (named arch_*); use a '
                             'supernet neck such as AutoFEMSearch')
        return OptimWrapperDict(
            **{key: self._build(key, groups[key])
               for key in self.KEYS})

    def _build(self, key: str, params: List[nn.Parameter]):
        cfg = copy.deepcopy(self.optim_wrapper_cfg[key])
        if 'optimizer' not in cfg:
            raise KeyError(f'optim_wrapper.{key}.optimizer is missing')
        optimizer_cfg = cfg.pop('optimizer')
        optimizer_cfg['params'] = params
        cfg.setdefault('type', 'OptimWrapper')
        return OPTIM_WRAPPERS.build(
            cfg, default_args=dict(optimizer=OPTIMIZERS.build(optimizer_cfg)))
