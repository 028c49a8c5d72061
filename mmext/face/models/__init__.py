"""Models: backbones, necks, heads, losses and the algorithm wrappers."""
from .backbones import *  # noqa: F401,F403
from .discriminators import *  # noqa: F401,F403
from .generators import *  # noqa: F401,F403
from .heads import *  # noqa: F401,F403
from .losses import *  # noqa: F401,F403
from .recognizers import *  # noqa: F401,F403
