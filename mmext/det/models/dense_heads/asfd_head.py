"""ASFD's anchor head: per-level towers, max-in-out, DRMC loss."""
from typing import List, Optional, Sequence, Tuple

import torch
import torch.nn as nn
from mmcv.cnn import ConvModule, DepthwiseSeparableConvModule
from mmdet.models.dense_heads import SSDHead
from mmdet.registry import MODELS
from mmdet.utils import ConfigType, OptConfigType
from torch import Tensor


@MODELS.register_module()
class ASFDHead(SSDHead):
    """One shot of ASFD's dual-shot anchor head.

    Follows ``DeepHead`` and the anchor settings of the authors' public
    DSFDv2 code:

    - every level has its own classification and regression towers: a 3x3
      conv, then ``num_dw_convs`` depthwise-separable 3x3 convs, each
      followed by ReLU, then a 1x1 output conv;
    - max-in-out (S3FD / PyramidBox): level 1 predicts ``maxout`` background
      logits and one face logit and keeps the largest background logit;
      higher levels predict ``maxout`` face logits and one background logit
      and keep the largest face logit;
    - one anchor per location, h/w = 1.5, size 4 x stride over strides
      4 .. 128 (``min_sizes`` 16 .. 512), centred on the cell as the public
      ``PriorBox``; the first (auxiliary) shot uses anchors of half that
      size, as DSFD's progressive anchor loss;
    - training: SSD matching (IoU 0.4, every face keeps its best anchor) and
      hard negative mining at neg:pos = 3 (``train_cfg.neg_pos_ratio``),
      both from mmdet's :class:`SSDHead`; the loss is :class:`DRMCLoss` on
      decoded boxes.

    PyramidBox's head/body context anchors (``pyramid_anchor`` in the public
    code) are not built.

    Args:
        num_classes (int): Foreground classes (1: face).
        in_channels (Sequence[int]): Channels of each level.
        feat_channels (int): Tower width.
        num_dw_convs (int): Depthwise-separable convs after the first conv
            (``stack_convs``: 1 for DSFDv2_r18); scaled with the compound
            coefficient.
        max_in_out (bool): Use max-in-out classification.
        maxout (int): Logits max-pooled per anchor (3).
        norm_cfg (dict, optional): Norm of the tower convs (None in the
            public code).
        anchor_generator (dict): mmdet anchor generator config.
        bbox_coder (dict): Box coder; variances (0.1, 0.2) as the public
            code.
        loss_drmc (dict): :class:`DRMCLoss` config.
        train_cfg (dict, optional): Assigner, sampler, ``neg_pos_ratio``,
            ``allowed_border`` and ``pos_weight``.
        test_cfg (dict, optional): mmdet dense-head test config.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(
        self,
        num_classes: int = 1,
        in_channels: Sequence[int] = (128, ) * 6,
        feat_channels: int = 128,
        num_dw_convs: int = 1,
        max_in_out: bool = True,
        maxout: int = 3,
        norm_cfg: OptConfigType = None,
        anchor_generator: ConfigType = dict(
            type='AnchorGenerator',
            strides=[4, 8, 16, 32, 64, 128],
            ratios=[1.5],
            scales=[4],
            center_offset=0.5),
        bbox_coder: ConfigType = dict(
            type='DeltaXYWHBBoxCoder',
            target_means=[.0, .0, .0, .0],
            target_stds=[0.1, 0.1, 0.2, 0.2]),
        loss_drmc: ConfigType = dict(type='DRMCLoss'),
        train_cfg: OptConfigType = None,
        test_cfg: OptConfigType = None,
        init_cfg: Optional[dict] = dict(
            type='Xavier', layer='Conv2d', distribution='uniform', bias=0)
    ) -> None:
        self.num_dw_convs = num_dw_convs
        self.max_in_out = max_in_out
        self.maxout = maxout
        super().__init__(
            num_classes=num_classes,
            in_channels=in_channels,
            stacked_convs=1,
            feat_channels=feat_channels,
            norm_cfg=norm_cfg,
            act_cfg=dict(type='ReLU'),
            anchor_generator=anchor_generator,
            bbox_coder=bbox_coder,
            reg_decoded_bbox=True,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            init_cfg=init_cfg)
        if max_in_out and num_classes != 1:
            raise ValueError('max-in-out is defined for one class (face), '
                             f'got num_classes={num_classes}')
        self.loss_drmc = MODELS.build(loss_drmc)

    @property
    def loss_cls(self) -> nn.Module:
        """The classification loss (read by mmdet's softmax prediction
        path): :class:`DRMCLoss`."""
        return self.loss_drmc

    def _raw_cls_channels(self) -> int:
        return self.maxout + 1 if self.max_in_out else self.cls_out_channels

    def _tower(self, in_channels: int, out_channels: int) -> nn.Sequential:
        layers = [
            ConvModule(
                in_channels,
                self.feat_channels,
                3,
                padding=1,
                norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg)
        ]
        layers += [
            DepthwiseSeparableConvModule(
                self.feat_channels,
                self.feat_channels,
                3,
                padding=1,
                norm_cfg=self.norm_cfg,
                act_cfg=self.act_cfg) for _ in range(self.num_dw_convs)
        ]
        layers.append(nn.Conv2d(self.feat_channels, out_channels, 1))
        return nn.Sequential(*layers)

    def _init_layers(self) -> None:
        """Per-level classification and regression towers."""
        self.cls_convs = nn.ModuleList()
        self.reg_convs = nn.ModuleList()
        for channels, priors in zip(self.in_channels, self.num_base_priors):
            self.cls_convs.append(
                self._tower(channels, priors * self._raw_cls_channels()))
            self.reg_convs.append(self._tower(channels, priors * 4))

    def max_in_out_scores(self, raw: Tensor, level: int) -> Tensor:
        """Max-in-out: (N, A * (maxout + 1), H, W) -> (N, A * 2, H, W).

        Level 0 channels per anchor are (bg_1 .. bg_maxout, face); other
        levels (face_1 .. face_maxout, bg). The output per anchor is
        (face, background), mmdet's softmax order.
        """
        n, _, h, w = raw.shape
        raw = raw.view(n, -1, self.maxout + 1, h, w)
        if level == 0:
            face = raw[:, :, -1]
            background = raw[:, :, :-1].max(dim=2).values
        else:
            face = raw[:, :, :-1].max(dim=2).values
            background = raw[:, :, -1]
        return torch.stack([face, background], dim=2).view(n, -1, h, w)

    def forward(self, x: Tuple[Tensor]) -> Tuple[List[Tensor], List[Tensor]]:
        """Per-level scores and box deltas.

        Args:
            x (tuple[Tensor]): L maps (N, C_l, H_l, W_l).

        Returns:
            tuple[list[Tensor], list[Tensor]]: class scores (N, A * 2,
            H_l, W_l) and box deltas (N, A * 4, H_l, W_l) per level.
        """
        if len(x) != len(self.cls_convs):
            raise ValueError(f'ASFDHead built for {len(self.cls_convs)} '
                             f'levels got {len(x)}')
        cls_scores, bbox_preds = [], []
        for level, (feat, cls_conv, reg_conv) in enumerate(
                zip(x, self.cls_convs, self.reg_convs)):
            score = cls_conv(feat)
            if self.max_in_out:
                score = self.max_in_out_scores(score, level)
            cls_scores.append(score)
            bbox_preds.append(reg_conv(feat))
        return cls_scores, bbox_preds

    def loss_by_feat_single(self, cls_score: Tensor, bbox_pred: Tensor,
                            anchor: Tensor, labels: Tensor,
                            label_weights: Tensor, bbox_targets: Tensor,
                            bbox_weights: Tensor,
                            avg_factor: int) -> Tuple[Tensor, Tensor]:
        """DRMC loss of one image after hard negative mining.

        Args:
            cls_score (Tensor): (A, 2) logits of all anchors.
            bbox_pred (Tensor): (A, 4) deltas.
            anchor (Tensor): (A, 4) anchors.
            labels (Tensor): (A,) labels, ``num_classes`` = background.
            label_weights (Tensor): (A,).
            bbox_targets (Tensor): (A, 4) decoded target boxes.
            bbox_weights (Tensor): (A, 4).
            avg_factor (int): Positives in the batch.

        Returns:
            tuple[Tensor, Tensor]: classification and regression losses.
        """
        positive = (labels >= 0) & (labels < self.num_classes)
        negative = (labels == self.num_classes) & (label_weights > 0)
        num_neg = min(
            int(self.train_cfg['neg_pos_ratio'] * int(positive.sum())),
            int(negative.sum()))
        with torch.no_grad():
            mining = self.loss_drmc.classification(cls_score, labels)
            mining = mining.masked_fill(~negative, float('-inf'))
            hard = torch.zeros_like(negative)
            hard[mining.topk(num_neg).indices] = True
        weights = label_weights * (positive | hard).to(label_weights.dtype)
        boxes = self.bbox_coder.decode(anchor, bbox_pred)
        losses = self.loss_drmc(cls_score, labels, weights, boxes,
                                bbox_targets, bbox_weights, avg_factor)
        return losses['loss_cls'], losses['loss_bbox']
