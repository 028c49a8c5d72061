"""Models: backbones, necks, heads, losses and the algorithm wrappers."""
