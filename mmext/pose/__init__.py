"""Human pose estimation (RANet) on mmpose.

Modules register into ``mmpose.registry``; configs use
``default_scope = 'mmpose'``.
"""
import mmpose  # noqa: F401  the toolbox this subpackage plugs into

from . import datasets, engine, evaluation, models  # noqa: F401,E402
