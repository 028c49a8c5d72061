"""RANet's effective region extraction (ERE)."""
from typing import Optional

from mmcv.cnn import ConvModule
from mmengine.model import BaseModule
from mmpose.registry import MODELS
from torch import Tensor, nn


@MODELS.register_module()
class EffectiveRegionExtraction(BaseModule):
    """Attention on body-specific regions of a feature map (RANet's ERE).

    RANet (arXiv 1905.00996) incorporates an "effective region extraction"
    module to learn human body-specific features; its internals are not
    public.  This module predicts ``num_regions`` region masks from the
    features with a small dilated-conv branch (context of the limbs around
    each position), takes their maximum as the effective region map
    ``E`` in [0, 1] and re-weights the features residually::

        A = sigmoid(Conv1x1(ConvDil3x3(Conv1x1(x))))      # B, R, H, W
        E = max_r A_r                                     # B, 1, H, W
        y = x * (1 + E)

    The residual form keeps the backbone's signal (and its pretrained
    behaviour) where no region fires, and amplifies up to 2x where one
    does.  Separate masks let different channels of evidence (e.g. limbs
    vs. torso) mark regions independently.

    Args:
        channels (int): Feature channels (input = output).
        num_regions (int): Number of region masks R. Defaults to 4.
        reduction (int): Channel reduction of the mask branch. Defaults
            to 4.
        dilation (int): Dilation of the 3x3 conv. Defaults to 2.
        norm_cfg (dict): Normalisation config. Defaults to BN.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 channels: int,
                 num_regions: int = 4,
                 reduction: int = 4,
                 dilation: int = 2,
                 norm_cfg: dict = dict(type='BN'),
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        hidden = max(channels // reduction, 8)
        self.channels = channels
        self.num_regions = num_regions
        self.reduce = ConvModule(channels, hidden, 1, norm_cfg=norm_cfg)
        self.context = ConvModule(
            hidden,
            hidden,
            3,
            padding=dilation,
            dilation=dilation,
            norm_cfg=norm_cfg)
        self.region_logits = nn.Conv2d(hidden, num_regions, 1)

    def region_map(self, x: Tensor) -> Tensor:
        """Effective region map E.

        Args:
            x (Tensor): (B, C, H, W) features.

        Returns:
            Tensor: (B, 1, H, W) values in [0, 1].
        """
        masks = self.region_logits(self.context(self.reduce(x))).sigmoid()
        return masks.amax(dim=1, keepdim=True)

    def forward(self, x: Tensor) -> Tensor:
        """Re-weight ``x`` (B, C, H, W) by its effective regions."""
        return x * (1 + self.region_map(x))
