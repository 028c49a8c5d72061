"""Face recognition: CurricularFace, DDL and FAN (Aurora Guard to come).

Built on mmpretrain.

Modules register into ``mmpretrain.registry``; configs use
``default_scope = 'mmpretrain'``.
"""
import mmpretrain  # noqa: F401  the toolbox this subpackage plugs into

from . import datasets, engine, evaluation, models  # noqa: F401,E402
