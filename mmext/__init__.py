"""mmext: Tencent Youtu Lab papers as OpenMMLab modules.

Importing :mod:`mmext` applies the compatibility shims of
:mod:`mmext.compat` and imports no toolbox.  The task subpackages register
into the toolbox that owns their task: :mod:`mmext.face` (mmpretrain),
:mod:`mmext.det` (mmdet), :mod:`mmext.pose` (mmpose), :mod:`mmext.action`
(mmaction2), and :mod:`mmext.flow` / :mod:`mmext.enhance` (mmext's own
registry scope on mmengine, :mod:`mmext.registry`).
"""
import importlib.metadata
from typing import Dict

from . import compat
from .version import __version__

compat.apply_all()

_STACK = ('torch', 'torchvision', 'numpy', 'mmengine', 'mmcv', 'mmdet',
          'mmpose', 'mmaction2', 'mmpretrain')


def collect_versions() -> Dict[str, str]:
    """Versions of mmext and the installed upstream stack."""
    versions = {'mmext': __version__}
    for name in _STACK:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = 'missing'
    return versions


__all__ = ['__version__', 'collect_versions', 'compat']
