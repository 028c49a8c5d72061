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
    # A runner has imported these; they register into mmengine's roots.
    import mmengine.hooks  # noqa: F401
    import mmengine.optim  # noqa: F401
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


TOOLBOXES = ('mmpretrain', 'mmdet', 'mmpose', 'mmaction')


@pytest.mark.parametrize('task', sorted(TASKS))
def test_task_package_imports_only_its_toolbox(task):
    """No file of mmext.<task> imports another toolbox or another task."""
    import ast
    import os
    own = TASKS[task][0]
    root = os.path.join(os.path.dirname(mmext_registry.__file__), task)
    for folder, _, files in os.walk(root):
        for name in files:
            if not name.endswith('.py'):
                continue
            path = os.path.join(folder, name)
            with open(path) as f:
                tree = ast.parse(f.read(), path)
            for node in ast.walk(tree):
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.level == 0:
                    names = [node.module]
                else:
                    continue
                for module in names:
                    top = module.split('.')[0]
                    assert top not in TOOLBOXES or top == own, \
                        f'{path} imports {module}'
                    if top == 'mmext':
                        sub = module.split('.')[1:2]
                        assert not sub or sub[0] not in TASKS or \
                            sub[0] == task, f'{path} imports {module}'


@pytest.mark.parametrize('task', sorted(TASKS))
def test_task_package_loads_no_toolbox_beyond_its_own(task):
    """At run time too, apart from what the toolbox itself imports."""
    import subprocess
    import sys
    own = TASKS[task][0]
    # mmaction's and mmpose's models import mmpretrain / mmdet themselves.
    baseline = f'import {own}.models; ' if own != 'mmext' else ''
    code = (f'import sys, mmext; {baseline}'
            f'before = {{m for m in {TOOLBOXES!r} if m in sys.modules}}; '
            f'import mmext.{task}; '
            f'after = {{m for m in {TOOLBOXES!r} if m in sys.modules}}; '
            'assert after <= before, after - before')
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
