"""Models: backbones, temporal modules, localizers, heads and losses."""
from . import backbones, common, heads, localizers, losses  # noqa: F401
