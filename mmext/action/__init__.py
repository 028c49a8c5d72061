"""Action recognition (TEINet) and temporal action proposals (DBG), mmaction2.

Modules register into ``mmaction.registry``; configs use
``default_scope = 'mmaction'``.
"""
import mmaction  # noqa: F401  the toolbox this subpackage plugs into

from . import datasets, engine, evaluation, models  # noqa: F401,E402
