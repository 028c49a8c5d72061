"""CWAN_L, the lightness sub-network, with the released layer graph."""
import torch.nn as nn
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor

from mmext.registry import MODELS


@MODELS.register_module()
class CWANLightNet(BaseModule):
    """CWAN's lightness network ``CWAN_L`` (Atoum et al., CVPRW 2020).

    The layer graph decoded from the released ``CWAN_L.mat`` (21
    MatConvNet layers, 59,265 parameters): conv 3x3 1 -> 32, then three
    blocks of [3x3, 3x3, 1x1] 32 -> 32 convs, a 3x3 32 -> 32 and a 3x3
    32 -> 1 conv; stride 1, zero 'same' padding, no normalisation.  The
    output of each block's 1x1 conv gets additive skips of *pre-ReLU* conv
    outputs before its ReLU (MatConvNet ``res`` indices of
    ``run_CWAN_Lightness.m``)::

        block 1: c5  += c3 + c1
        block 2: c11 += c7 + c9 + c1
        block 3: c17 += c15 + c13 + c7 + c1

    and the last conv adds the network input (global residual), so the
    output is ``gray + f(gray)``.

    Input and output are luma on the 0-255 scale (``rgb2gray(rgb)`` of the
    official ``CWAN.m``); the pipeline reads the output x 100 / 255 as L*.

    Parametrisation (ours): the convs run on ``gray / value_range`` and
    the result is multiplied back, ``value_range * net(gray /
    value_range)``.  As every layer is a conv, a ReLU or a sum (positively
    homogeneous once the biases scale too), this is *exactly* the release
    graph with biases ``value_range x`` ours and the same weights: the same
    function class, and release weights convert by dividing the biases by
    ``value_range``.  What it changes is the training: on the raw 0-255
    scale (``value_range=1``) a bias step of Adam's lr (1e-3) moves the
    output by 1e-3 of 255 levels, so the ~130-level brightening offset a
    dark image needs cannot come from the biases; the net is then nearly
    homogeneous (``f(k x) ~ k f(x)``, near-black stays near-black) and
    reaches it only through ever larger weights, and the lightness loss
    swings between batches.  With the default 255 every parameter lives on
    the [0, 1] scale the optimisers' learning rates are meant for.

    Args:
        channels (int): feature width. Default 32 (the release).
        value_range (float): the scale the convs see the 0-255 luma
            divided by; 1 is the release's raw parametrisation. Default
            255 (ours).
        init_cfg (dict, optional): initialisation; default PyTorch's conv
            init (the release's initialisation is unknown; ours).
    """

    def __init__(self,
                 channels: int = 32,
                 value_range: float = 255.,
                 init_cfg=None) -> None:
        super().__init__(init_cfg)
        if value_range <= 0:
            raise ValueError(
                f'CWANLightNet: value_range={value_range} must be > 0')
        self.value_range = float(value_range)
        c = channels

        def conv(cin: int, cout: int, k: int = 3) -> nn.Conv2d:
            return nn.Conv2d(cin, cout, k, padding=k // 2)

        # names follow the MatConvNet layer numbers (odd = conv)
        self.conv1 = conv(1, c)
        self.conv3 = conv(c, c)
        self.conv5 = conv(c, c, 1)
        self.conv7 = conv(c, c)
        self.conv9 = conv(c, c)
        self.conv11 = conv(c, c, 1)
        self.conv13 = conv(c, c)
        self.conv15 = conv(c, c)
        self.conv17 = conv(c, c, 1)
        self.conv19 = conv(c, c)
        self.conv21 = conv(c, 1)

    def forward(self, gray: Tensor) -> Tensor:
        """Enhance the lightness.

        Args:
            gray (Tensor): (B, 1, H, W) low-light luma, 0-255 scale.

        Returns:
            Tensor: (B, 1, H, W) enhanced lightness, 0-255 scale.
        """
        if gray.dim() != 4 or gray.shape[1] != 1:
            raise ValueError('CWANLightNet: expected (B, 1, H, W), got '
                             f'{tuple(gray.shape)}')
        x = gray / self.value_range
        c1 = self.conv1(x)
        c3 = self.conv3(F.relu(c1))
        c5 = self.conv5(F.relu(c3)) + c3 + c1
        c7 = self.conv7(F.relu(c5))
        c9 = self.conv9(F.relu(c7))
        c11 = self.conv11(F.relu(c9)) + c7 + c9 + c1
        c13 = self.conv13(F.relu(c11))
        c15 = self.conv15(F.relu(c13))
        c17 = self.conv17(F.relu(c15)) + c15 + c13 + c7 + c1
        c19 = self.conv19(F.relu(c17))
        return (self.conv21(F.relu(c19)) + x) * self.value_range
