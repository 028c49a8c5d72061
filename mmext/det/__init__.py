"""Face detection (ASFD) on mmdet.

Modules register into ``mmdet.registry``; configs use
``default_scope = 'mmdet'``.
"""
import mmdet  # noqa: F401  the toolbox this subpackage plugs into

from . import datasets, engine, evaluation, models  # noqa: F401,E402
