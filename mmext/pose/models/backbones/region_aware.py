"""Helpers that fit RANet's FPS and ERE into mmpose backbones."""
from typing import List, Optional, Sequence

from mmpose.registry import MODELS
from torch import Tensor, nn


class BranchwiseERE(nn.ModuleList):
    """One :class:`EffectiveRegionExtraction` per branch of a stage output.

    Appended as the last child of a stage (``nn.Sequential``) so that the
    stage's own parameter names, hence pretrained checkpoints, are kept.
    A tensor output uses the first module; a list (HRNet's branches) is
    mapped branch by branch.
    """

    def forward(self, x):
        if isinstance(x, Tensor):
            return self[0](x)
        return [ere(branch) for ere, branch in zip(self, x)]


def build_branchwise_ere(ere: dict, channels: Sequence[int]) -> BranchwiseERE:
    """Build an ERE per branch from the config ``ere`` (without channels)."""
    cfg = dict(type='EffectiveRegionExtraction')
    cfg.update(ere)
    return BranchwiseERE(
        [MODELS.build(dict(cfg, channels=c)) for c in channels])


def append_ere(stage: nn.Sequential, ere: Optional[dict],
               channels: List[int]) -> None:
    """Run an ERE after ``stage`` (its child named ``ere``)."""
    if ere is not None:
        stage.add_module('ere', build_branchwise_ere(ere, channels))


def build_fps(fps: dict, in_channels: int, out_channels: int) -> nn.Module:
    """Build the feature pyramid stem from ``fps`` (without channels)."""
    cfg = dict(type='FeaturePyramidStem')
    cfg.update(fps)
    cfg.update(in_channels=in_channels, out_channels=out_channels)
    return MODELS.build(cfg)
