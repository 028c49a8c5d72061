"""mmext's own scope, and mmext modules under each upstream scope."""
import importlib
import inspect

import pytest
from mmengine.registry import DefaultScope, Registry
from mmengine.registry import MODELS as MMENGINE_MODELS

import mmext.registry as mmext_registry

#: task subpackage -> (scope, registry module of the toolbox)
TASKS = {
    'face': ('mmpretrain', 'mmpretrain.registry'),
    'det': ('mmdet', 'mmdet.registry'),
    'pose': ('mmpose', 'mmpose.registry'),
    'action': ('mmaction', 'mmaction.registry'),
    'flow': ('mmext', 'mmext.registry'),
    'enhance': ('mmext', 'mmext.registry'),
}


def test_mmext_scope_children_of_mmengine_roots():
    for name, reg in vars(mmext_registry).items():
        if isinstance(reg, Registry) and not name.startswith('MMENGINE_'):
            assert reg.scope == 'mmext', name
            assert reg.parent is not None and reg.parent.scope == 'mmengine'
    assert mmext_registry.MODELS.parent is MMENGINE_MODELS


def test_mmext_scope_finds_mmengine_modules():
    with DefaultScope.overwrite_default_scope('mmext'):
        optimizer_cls = mmext_registry.OPTIMIZERS.get('SGD')
        assert optimizer_cls.__name__ == 'SGD'
        assert mmext_registry.HOOKS.get('CheckpointHook') is not None


def registered_mmext_modules(task):
    """(registry, name, class) of every mmext.<task> module registered."""
    scope, registry_module = TASKS[task]
    importlib.import_module(f'mmext.{task}')
    found = []
    for reg in vars(importlib.import_module(registry_module)).values():
        if not isinstance(reg, Registry):
            continue
        for name, cls in reg.module_dict.items():
            if getattr(cls, '__module__', '').startswith(f'mmext.{task}.'):
                found.append((reg, name, cls))
    return found


@pytest.mark.parametrize('task', sorted(TASKS))
def test_task_package_imports_only_its_toolbox(task):
    import subprocess
    import sys
    others = {'mmpretrain', 'mmdet', 'mmpose', 'mmaction'} - {
        TASKS[task][0]}
    # mmpose (rtmo_head) and mmpretrain (res_layer_extra_norm, in a
    # try/except) import mmdet themselves: upstream, not mmext.
    if task in ('pose', 'face'):
        others.discard('mmdet')
    code = (f'import sys, mmext.{task}; '
            f'bad = [m for m in {sorted(others)!r} if m in sys.modules]; '
            'assert not bad, bad')
    subprocess.run([sys.executable, '-c', code], check=True)


@pytest.mark.parametrize('task', sorted(TASKS))
def test_task_modules_resolve_under_their_scope(task):
    modules = registered_mmext_modules(task)
    if not modules:
        pytest.skip(f'mmext.{task} registers no module yet')
    scope = TASKS[task][0]
    for reg, name, cls in modules:
        with DefaultScope.overwrite_default_scope(scope):
            assert reg.get(name) is cls
        # ... and from another scope with the scope prefix.
        with DefaultScope.overwrite_default_scope('mmengine'):
            assert reg.get(f'{scope}.{name}') is cls
        assert inspect.getdoc(cls), f'{name} has no docstring'
