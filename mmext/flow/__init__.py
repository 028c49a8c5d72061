"""Unsupervised optical flow (ARFlow) on mmengine.

Modules register into :mod:`mmext.registry`; configs use
``default_scope = 'mmext'``.
"""
from mmext import registry  # noqa: F401
from . import (datasets, engine, evaluation, models,  # noqa: F401,E402,E501
               visualization)
