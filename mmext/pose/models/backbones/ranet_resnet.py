"""ResNet with RANet's feature pyramid stem and effective regions."""
from typing import Optional, Sequence

from mmpose.models.backbones import ResNet
from mmpose.registry import MODELS
from torch import nn

from .region_aware import append_ere, build_fps


@MODELS.register_module()
class RANetResNet(ResNet):
    """mmpose's ResNet with RANet's FPS stem and ERE modules.

    RANet (arXiv 1905.00996) learns low-level features with a feature
    pyramid stem (FPS) and body-specific features with effective region
    extraction (ERE).  Here:

    * ``fps``: the stem (7x7 conv + BN + ReLU + max-pool, stride 4) is
      replaced by :class:`FeaturePyramidStem` with the same stride and
      width ``stem_channels``; ``None`` keeps the ResNet stem.
    * ``ere``: an :class:`EffectiveRegionExtraction` follows each residual
      stage whose flag in ``ere_stages`` is set.  The paper does not say
      where; the default puts one after stages 2-4 (where features are
      semantic enough to tell the target person's regions from look-alike
      ones) and not after stage 1.  ``None`` disables ERE.

    ERE is appended as the last child of the stage (``layer<i>.ere``), so
    ImageNet checkpoints of mmpose's ResNet load unchanged (FPS and ERE
    are trained from scratch).

    Args:
        fps (dict, optional): Extra arguments of ``FeaturePyramidStem``
            (e.g. ``dict(mid_channels=32)``); ``None`` keeps the plain stem.
            Defaults to ``dict()``.
        ere (dict, optional): Extra arguments of
            ``EffectiveRegionExtraction`` (e.g. ``dict(num_regions=4)``);
            ``None`` disables ERE. Defaults to ``dict()``.
        ere_stages (Sequence[bool]): Per residual stage, whether an ERE
            follows it. Defaults to ``(False, True, True, True)``.
        **kwargs: Arguments of :class:`mmpose.models.ResNet` (``depth``,
            ``base_channels``, ``stem_channels``, ``out_indices`` ...).
    """

    def __init__(self,
                 fps: Optional[dict] = dict(),
                 ere: Optional[dict] = dict(),
                 ere_stages: Sequence[bool] = (False, True, True, True),
                 **kwargs) -> None:
        self.fps_cfg = fps
        super().__init__(**kwargs)
        if len(ere_stages) != self.num_stages:
            raise ValueError(f'RANetResNet: ere_stages needs one flag per '
                             f'stage ({self.num_stages}), got {ere_stages}')
        self.ere_stages = tuple(ere_stages)
        for flag, name in zip(ere_stages, self.res_layers):
            layer = getattr(self, name)
            if flag:
                append_ere(layer, ere, [layer[-1].out_channels])

    def _make_stem_layer(self, in_channels: int, stem_channels: int) -> None:
        super()._make_stem_layer(in_channels, stem_channels)
        if self.fps_cfg is None:
            return
        fps = build_fps(self.fps_cfg, in_channels, stem_channels)
        # FPS has its own norms and stride 4, so the norm and max-pool of
        # the ResNet stem are bypassed; its ReLU follows FPS.
        if self.deep_stem:
            self.stem = fps
        else:
            self.conv1 = fps
            self.add_module(self.norm1_name, nn.Identity())
        self.maxpool = nn.Identity()
