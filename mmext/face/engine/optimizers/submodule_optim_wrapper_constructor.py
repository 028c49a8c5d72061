import copy
from typing import Optional

import torch.nn as nn
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapperDict
from mmpretrain.registry import OPTIM_WRAPPER_CONSTRUCTORS


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class SubmoduleOptimWrapperConstructor:
    """One optimizer wrapper per named group of a model's submodules.

    For models trained with several optimizers in their own ``train_step``
    (a GAN's generator and discriminator, e.g. :class:`FAN`): every item of
    the config but ``constructor`` is a group ``name=dict(modules=[...],
    <an optimizer wrapper config>)``, built by mmengine's
    ``DefaultOptimWrapperConstructor`` over the listed attributes of the
    model (``paramwise_cfg`` inside the group applies to it), with all their
    parameters, also those frozen when it is built (a staged model unfreezes
    them later; an optimizer skips parameters without gradient); the result
    is an :class:`~mmengine.optim.OptimWrapperDict` keyed by the group
    names. A module in two groups, or a trainable parameter in none, is an
    error.

    Example:
        .. code:: python

            optim_wrapper = dict(
                constructor='SubmoduleOptimWrapperConstructor',
                generator=dict(
                    modules=['non_identity_encoder', 'decoder'],
                    optimizer=dict(type='Adam', lr=2e-4)),
                discriminator=dict(
                    modules=['image_discriminator'],
                    optimizer=dict(type='Adam', lr=2e-4)))

    Args:
        optim_wrapper_cfg (dict): The groups.
        paramwise_cfg (dict, optional): Must be None: give it per group.
    """

    def __init__(self,
                 optim_wrapper_cfg: dict,
                 paramwise_cfg: Optional[dict] = None):
        if paramwise_cfg is not None:
            raise ValueError('SubmoduleOptimWrapperConstructor: give '
                             'paramwise_cfg inside each group')
        if not optim_wrapper_cfg:
            raise ValueError('SubmoduleOptimWrapperConstructor: no groups')
        self.groups = {}
        for name, cfg in optim_wrapper_cfg.items():
            cfg = copy.deepcopy(dict(cfg))
            if 'modules' not in cfg:
                raise KeyError(f'SubmoduleOptimWrapperConstructor: group '
                               f'{name!r} has no "modules" list')
            self.groups[name] = (list(cfg.pop('modules')), cfg)

    def __call__(self, model: nn.Module) -> OptimWrapperDict:
        model = getattr(model, 'module', model)  # a DDP wrapper
        wrappers, seen = {}, {}
        for name, (modules, cfg) in self.groups.items():
            container = nn.ModuleDict()
            for attr in modules:
                module = getattr(model, attr, None)
                if not isinstance(module, nn.Module):
                    raise KeyError(f'SubmoduleOptimWrapperConstructor: group '
                                   f'{name!r}: the model has no submodule '
                                   f'{attr!r}')
                if attr in seen:
                    raise ValueError(f'SubmoduleOptimWrapperConstructor: '
                                     f'{attr!r} is in groups {seen[attr]!r} '
                                     f'and {name!r}')
                seen[attr] = name
                container[attr] = module
            paramwise = cfg.pop('paramwise_cfg', None)
            # every parameter of the group, also those frozen now and
            # trained in a later stage (mmengine skips frozen ones)
            params = list(container.parameters())
            states = [p.requires_grad for p in params]
            container.requires_grad_(True)
            try:
                wrappers[name] = DefaultOptimWrapperConstructor(
                    cfg, paramwise)(container)
            finally:
                for p, state in zip(params, states):
                    p.requires_grad_(state)
        grouped = {
            id(p)
            for attr in seen for p in getattr(model, attr).parameters()
        }
        missing = [
            n for n, p in model.named_parameters()
            if p.requires_grad and id(p) not in grouped
        ]
        if missing:
            raise ValueError('SubmoduleOptimWrapperConstructor: trainable '
                             f'parameters in no group: {missing[:5]}')
        return OptimWrapperDict(**wrappers)
