"""PWC-Lite, the flow network of ARFlow (Liu et al., CVPR 2020)."""
from typing import Dict, List, Optional, Sequence

import torch
import torch.nn.functional as F
from mmengine.model import BaseModule
from torch import Tensor, nn

from mmext.registry import MODELS
from ..utils import correlation, flow_warp


def conv(in_channels: int,
         out_channels: int,
         stride: int = 1,
         dilation: int = 1,
         act: bool = True) -> nn.Module:
    """3x3 convolution with bias, followed by LeakyReLU(0.1) if ``act``."""
    layer = nn.Conv2d(in_channels, out_channels, 3, stride, dilation, dilation)
    return nn.Sequential(layer, nn.LeakyReLU(0.1)) if act else layer


class FeaturePyramid(nn.Module):
    """Feature pyramid: per level a stride-2 and a stride-1 3x3 conv.

    Args:
        channels (Sequence[int]): input channels then one width per level,
            e.g. (3, 16, 32, 64, 96, 128, 192).
    """

    def __init__(self, channels: Sequence[int]) -> None:
        super().__init__()
        self.levels = nn.ModuleList(
            nn.Sequential(conv(cin, cout, stride=2), conv(cout, cout))
            for cin, cout in zip(channels[:-1], channels[1:]))

    def forward(self, x: Tensor) -> List[Tensor]:
        """Returns the features coarsest first: [1/2^L, ..., 1/2]."""
        pyramid = []
        for level in self.levels:
            x = level(x)
            pyramid.append(x)
        return pyramid[::-1]


class FlowEstimatorReduce(nn.Module):
    """The "Reduce" flow estimator of PWC-Lite, shared by every level.

    Five 3x3 convs; from the third on each takes the outputs of the two
    previous convs (widths 128, 128, 96, 64, 32), then a linear 3x3 conv
    predicts the residual flow from the last two.

    Args:
        in_channels (int): correlation + 1x1 features + flow(s).
        channels (Sequence[int]): the five widths.
    """

    def __init__(
        self,
        in_channels: int,
        channels: Sequence[int] = (128, 128, 96, 64, 32)
    ) -> None:
        super().__init__()
        c = channels
        self.conv1 = conv(in_channels, c[0])
        self.conv2 = conv(c[0], c[1])
        self.conv3 = conv(c[0] + c[1], c[2])
        self.conv4 = conv(c[1] + c[2], c[3])
        self.conv5 = conv(c[2] + c[3], c[4])
        self.predict_flow = conv(c[3] + c[4], 2, act=False)
        self.out_channels = c[4]

    def forward(self, x: Tensor) -> tuple:
        """Returns the last features (B, c5, h, w) and the flow residual."""
        x1 = self.conv1(x)
        x2 = self.conv2(x1)
        x3 = self.conv3(torch.cat([x1, x2], 1))
        x4 = self.conv4(torch.cat([x2, x3], 1))
        x5 = self.conv5(torch.cat([x3, x4], 1))
        return x5, self.predict_flow(torch.cat([x4, x5], 1))


class ContextNetwork(nn.Sequential):
    """Dilated context network (dilations 1, 2, 4, 8, 16, 1) refining the
    flow of every level; shared across levels.

    Args:
        in_channels (int): estimator features + flow(s).
        channels (Sequence[int]): six widths, default (128, 128, 128, 96,
            64, 32).
    """

    def __init__(
        self,
        in_channels: int,
        channels: Sequence[int] = (128, 128, 128, 96, 64, 32)
    ) -> None:
        dilations = (1, 2, 4, 8, 16, 1)
        layers = []
        for cout, dilation in zip(channels, dilations):
            layers.append(conv(in_channels, cout, dilation=dilation))
            in_channels = cout
        layers.append(conv(in_channels, 2, act=False))
        super().__init__(*layers)


@MODELS.register_module()
class PWCLite(BaseModule):
    """PWC-Lite: PWC-Net with a highly shared decoder (ARFlow, Sec. 4).

    One feature pyramid per frame; from the coarsest level down to
    ``1/2^(num_levels - num_decoder_levels + 1)`` (1/4 by default) the
    second frame's features are warped with the upsampled flow, correlated
    with the first frame's (search range 4), and ONE flow estimator and ONE
    context network, shared by all levels, predict residual flows.  The
    level features enter the estimator through per-level 1x1 convs to a
    common width.  Each level's flow is upsampled x4 (bilinear, values x4,
    ``align_corners=True``), so the finest output is at full resolution.

    With ``num_frames=3`` (ARFlow-MV) the middle frame's flows to the
    previous (1 -> 0) and next (1 -> 2) frames are estimated jointly by the
    same estimator applied twice per level on swapped inputs
    ``[x1, corr_a, corr_b, flow_a, -flow_b]``, likewise the context network
    on ``[feat_a, feat_b, flow_a, -flow_b]``.

    The defaults are the official network: 2,236,660 parameters for two
    frames, 2,371,444 for three.

    Args:
        pyramid_channels (Sequence[int]): input channels then the width of
            each pyramid level. Default (3, 16, 32, 64, 96, 128, 192).
        num_decoder_levels (int): pyramid levels decoded, coarsest first.
            Default 5 (1/64 .. 1/4; official ``output_level=4``).
        search_range (int): correlation radius. Default 4.
        reduced_channels (int): width of the 1x1 convs. Default 32.
        estimator_channels (Sequence[int]): Default (128, 128, 96, 64, 32).
        context_channels (Sequence[int]): Default (128, 128, 128, 96, 64,
            32).
        num_frames (int): 2, or 3 for the multi-frame variant. Default 2.
        init_cfg (dict, optional): Default None: PyTorch's default conv
            initialisation, which is what the official model gets (its
            ``init_weights`` tests ``isinstance`` on the (name, module)
            pairs of ``named_modules()`` and so initialises nothing).
    """

    def __init__(self,
                 pyramid_channels: Sequence[int] = (3, 16, 32, 64, 96, 128,
                                                    192),
                 num_decoder_levels: int = 5,
                 search_range: int = 4,
                 reduced_channels: int = 32,
                 estimator_channels: Sequence[int] = (128, 128, 96, 64, 32),
                 context_channels: Sequence[int] = (128, 128, 128, 96, 64,
                                                    32),
                 num_frames: int = 2,
                 init_cfg: Optional[dict] = None) -> None:
        super().__init__(init_cfg=init_cfg)
        if num_frames not in (2, 3):
            raise ValueError(f'PWCLite: num_frames must be 2 or 3, got '
                             f'{num_frames}')
        num_levels = len(pyramid_channels) - 1
        if not 1 <= num_decoder_levels <= num_levels:
            raise ValueError(f'PWCLite: num_decoder_levels '
                             f'{num_decoder_levels} not in 1..{num_levels}')
        self.num_frames = num_frames
        self.num_decoder_levels = num_decoder_levels
        self.search_range = search_range
        self.pyramid = FeaturePyramid(pyramid_channels)
        decoded = list(pyramid_channels[::-1][:num_decoder_levels])
        self.conv_1x1 = nn.ModuleList(
            nn.Sequential(
                nn.Conv2d(c, reduced_channels, 1), nn.LeakyReLU(0.1))
            for c in decoded)
        corr_channels = (2 * search_range + 1)**2
        n_pairs = num_frames - 1
        self.flow_estimator = FlowEstimatorReduce(
            reduced_channels + n_pairs * (corr_channels + 2),
            estimator_channels)
        self.context_network = ContextNetwork(
            n_pairs * (self.flow_estimator.out_channels + 2), context_channels)
        self.leaky_relu = nn.LeakyReLU(0.1)
        # output stride of the finest decoded level
        self.output_stride = 2**(num_levels - num_decoder_levels + 1)

    def _corr(self, feat1: Tensor, feat2: Tensor) -> Tensor:
        return self.leaky_relu(correlation(feat1, feat2, self.search_range))

    @staticmethod
    def _upsample(flow: Tensor, like: Tensor) -> Tensor:
        """x2 bilinear upsampling of 2 * flow to ``like``'s size."""
        return F.interpolate(
            flow * 2,
            size=like.shape[-2:],
            mode='bilinear',
            align_corners=True)

    def _full_resolution(self, flows: List[Tensor],
                         size: tuple) -> List[Tensor]:
        """Every level's flow upsampled x4 (values x4), finest first."""
        s = self.output_stride
        return [
            F.interpolate(
                f * s, scale_factor=s, mode='bilinear', align_corners=True)
            for f in flows
        ][::-1]

    def decode_two_frames(self, pyr1: List[Tensor],
                          pyr2: List[Tensor]) -> List[Tensor]:
        """Coarse-to-fine decoding of flow 1 -> 2 from the pyramids."""
        flows = []
        x1 = pyr1[0]
        flow = x1.new_zeros(x1.shape[0], 2, *x1.shape[-2:])
        for level in range(self.num_decoder_levels):
            x1, x2 = pyr1[level], pyr2[level]
            if level > 0:
                flow = self._upsample(flow, x1)
                x2 = flow_warp(x2, flow)
            feat, res = self.flow_estimator(
                torch.cat([self._corr(x1, x2), self.conv_1x1[level](x1), flow],
                          1))
            flow = flow + res
            flow = flow + self.context_network(torch.cat([feat, flow], 1))
            flows.append(flow)
        return flows

    def decode_three_frames(self, pyr0: List[Tensor], pyr1: List[Tensor],
                            pyr2: List[Tensor]) -> tuple:
        """Joint decoding of the middle frame's flows 1 -> 2 and 1 -> 0."""
        flows_fw, flows_bw = [], []
        x1 = pyr1[0]
        flow_fw = x1.new_zeros(x1.shape[0], 2, *x1.shape[-2:])
        flow_bw = torch.zeros_like(flow_fw)
        for level in range(self.num_decoder_levels):
            x0, x1, x2 = pyr0[level], pyr1[level], pyr2[level]
            if level > 0:
                flow_fw = self._upsample(flow_fw, x1)
                flow_bw = self._upsample(flow_bw, x1)
                x0 = flow_warp(x0, flow_bw)
                x2 = flow_warp(x2, flow_fw)
            corr_fw, corr_bw = self._corr(x1, x2), self._corr(x1, x0)
            x1_red = self.conv_1x1[level](x1)
            feat_fw, res_fw = self.flow_estimator(
                torch.cat([x1_red, corr_fw, corr_bw, flow_fw, -flow_bw], 1))
            feat_bw, res_bw = self.flow_estimator(
                torch.cat([x1_red, corr_bw, corr_fw, flow_bw, -flow_fw], 1))
            flow_fw = flow_fw + res_fw
            flow_bw = flow_bw + res_bw
            ctx_fw = self.context_network(
                torch.cat([feat_fw, feat_bw, flow_fw, -flow_bw], 1))
            ctx_bw = self.context_network(
                torch.cat([feat_bw, feat_fw, flow_bw, -flow_fw], 1))
            flow_fw = flow_fw + ctx_fw
            flow_bw = flow_bw + ctx_bw
            flows_fw.append(flow_fw)
            flows_bw.append(flow_bw)
        return flows_fw, flows_bw

    def forward(self,
                imgs: Tensor,
                with_bk: bool = False) -> Dict[str, List[Tensor]]:
        """Estimate the flow pyramid.

        Args:
            imgs (Tensor): (B, F, 3, H, W) RGB in [0, 1]; F = ``num_frames``.
                H and W must be multiples of ``2^num_levels`` (64).
            with_bk (bool): two frames only: also return the backward flow
                2 -> 1 (the decoder run on the swapped pyramids).

        Returns:
            dict: ``flows_fw`` (and ``flows_bw``), lists of (B, 2, H, W)
            flows at full, 1/2, 1/4, ... resolution of their level, values
            in pixels of that resolution.
        """
        if imgs.dim() != 5 or imgs.shape[1] != self.num_frames:
            raise ValueError(f'PWCLite expects (B, {self.num_frames}, 3, H, '
                             f'W) images, got {tuple(imgs.shape)}')
        b, n, c, h, w = imgs.shape
        stride = 2**len(self.pyramid.levels)
        if h % stride or w % stride:
            raise ValueError(f'PWCLite: image size {h}x{w} is not a '
                             f'multiple of {stride}')
        feats = self.pyramid(imgs.reshape(b * n, c, h, w))
        pyramids = [[f.view(b, n, *f.shape[1:])[:, i] for f in feats]
                    for i in range(n)]
        size = (h, w)
        if n == 3:
            fw, bw = self.decode_three_frames(*pyramids)
            return dict(
                flows_fw=self._full_resolution(fw, size),
                flows_bw=self._full_resolution(bw, size))
        out = dict(
            flows_fw=self._full_resolution(
                self.decode_two_frames(pyramids[0], pyramids[1]), size))
        if with_bk:
            out['flows_bw'] = self._full_resolution(
                self.decode_two_frames(pyramids[1], pyramids[0]), size)
        return out
