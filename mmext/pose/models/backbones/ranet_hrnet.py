"""HRNet with RANet's feature pyramid stem and effective regions."""
from typing import Optional, Sequence

from mmpose.models.backbones import HRNet
from mmpose.registry import MODELS
from torch import nn

from .region_aware import append_ere, build_fps


@MODELS.register_module()
class RANetHRNet(HRNet):
    """mmpose's HRNet with RANet's FPS stem and ERE modules.

    * ``fps``: HRNet's stem (two stride-2 3x3 convs, 64 channels) is
      replaced by :class:`FeaturePyramidStem` (stride 4, 64 channels).
    * ``ere``: an :class:`EffectiveRegionExtraction` on every branch after
      each of stages 2-4 whose flag in ``ere_stages`` is set (default all
      three; RANet does not say where).

    ERE modules are appended as the last child of a stage
    (``stage<i>.ere``), so HRNet checkpoints load unchanged.

    Args:
        fps (dict, optional): Extra arguments of ``FeaturePyramidStem``;
            ``None`` keeps HRNet's stem. Defaults to ``dict()``.
        ere (dict, optional): Extra arguments of
            ``EffectiveRegionExtraction``; ``None`` disables ERE. Defaults
            to ``dict()``.
        ere_stages (Sequence[bool]): For stages 2, 3 and 4. Defaults to
            ``(True, True, True)``.
        **kwargs: Arguments of :class:`mmpose.models.HRNet` (``extra``,
            ``in_channels`` ...).
    """

    def __init__(self,
                 fps: Optional[dict] = dict(),
                 ere: Optional[dict] = dict(),
                 ere_stages: Sequence[bool] = (True, True, True),
                 **kwargs) -> None:
        super().__init__(**kwargs)
        if len(ere_stages) != 3:
            raise ValueError('RANetHRNet: ere_stages needs a flag for each '
                             f'of stages 2, 3 and 4, got {ere_stages}')
        self.ere_stages = tuple(ere_stages)
        for flag, name in zip(ere_stages, ('stage2', 'stage3', 'stage4')):
            stage = getattr(self, name)
            channels = list(stage[-1].in_channels)
            if name == 'stage4' and not self.stage4_cfg.get(
                    'multiscale_output', False):
                channels = channels[:1]  # only the high-resolution output
            if flag:
                append_ere(stage, ere, channels)
        if fps is not None:
            # FPS ends with its own norm at stride 4; HRNet's stem applies
            # its ReLU twice, which must then not be in place.
            self.conv1 = build_fps(fps, self.conv1.in_channels,
                                   self.conv2.out_channels)
            self.conv2 = nn.Identity()
            self.add_module(self.norm1_name, nn.Identity())
            self.add_module(self.norm2_name, nn.Identity())
            self.relu = nn.ReLU()
