"""Models: backbones, temporal modules, localizers, heads and losses."""
from . import backbones, common, heads, localizers, losses  # noqa: F401
from .backbones import *  # noqa: F401,F403
from .common import *  # noqa: F401,F403
