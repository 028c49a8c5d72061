"""RANet's cascade voting fusion (CVF) head."""
from typing import Optional, Sequence, Tuple

import torch
from mmcv.cnn import ConvModule
from mmpose.evaluation.functional import pose_pck_accuracy
from mmpose.models.heads import HeatmapHead
from mmpose.registry import MODELS
from mmpose.utils.tensor_utils import to_numpy
from mmpose.utils.typing import ConfigType, OptSampleList
from torch import Tensor, nn


@MODELS.register_module()
class CascadeVotingFusionHead(HeatmapHead):
    """Cascaded heatmap predictions fused by voting (RANet's CVF).

    RANet (arXiv 1905.00996) predicts the pose several times in a cascade,
    "explicitly excludes the inferior predictions and fuses the rest".  The
    layer details are not public; this head:

    * **Cascade.** Stage 1 is mmpose's :class:`HeatmapHead` (deconvolutions
      + final 1x1 conv).  Each further stage refines the previous heatmaps
      from the concatenation of the upsampled features and those heatmaps
      (``refine_num_convs`` 3x3 ConvModules and a 1x1 conv), like CPM's
      stages.  With ``residual`` (ours) a stage predicts a correction
      added to the previous heatmaps, ``H_s = H_{s-1} + R_s([x, H_{s-1}])``,
      so that a new stage starts as a copy of the one before it (its output
      conv is initialised near zero) instead of from zero heatmaps, whose
      large early losses pull the shared features away from stage 1.
      Every stage is supervised with the same target (``loss``, weighted
      by ``stage_loss_weights``).
    * **Voting.** At inference each stage votes for every joint with the
      argmax of its heatmap.  The vote is the per-joint median of these
      locations (robust to a minority of deflected stages).  A stage whose
      location lies more than ``vote_radius`` heatmap pixels from the vote
      is *deflected* and excluded; the heatmaps of the remaining stages are
      averaged into the output (the stage closest to the vote always
      remains).  The codec then decodes the fused heatmaps as usual.
    * **Visibility.** Per-joint visibility is predicted by wrapping this
      head in mmpose's ``VisPredictHead`` (see the RANet configs), which
      marks joints predicted invisible in ``keypoints_visible``.

    Args:
        in_channels (int | Sequence[int]): Input feature channels.
        out_channels (int): Number of keypoints K.
        num_stages (int): Cascade length S (>= 1). Defaults to 3.
        refine_channels (int, optional): Width of the refinement stages.
            Defaults to the width of the features at heatmap resolution.
        refine_num_convs (int): 3x3 convs per refinement stage. Defaults
            to 2.
        vote_radius (float): Largest distance (heatmap pixels) from the
            vote of a kept stage. Defaults to 2.0 (one sigma of the
            standard 64x64 MSRA heatmap codec).
        stage_loss_weights (Sequence[float], optional): Loss weight per
            stage. Defaults to 1 for every stage.
        residual (bool): Whether a refinement stage adds a correction to
            the previous heatmaps rather than predicting them anew.
            Defaults to True.
        **kwargs: Other arguments of :class:`HeatmapHead`
            (``deconv_out_channels``, ``loss``, ``decoder`` ...).
    """

    def __init__(self,
                 in_channels,
                 out_channels: int,
                 num_stages: int = 3,
                 refine_channels: Optional[int] = None,
                 refine_num_convs: int = 2,
                 vote_radius: float = 2.,
                 stage_loss_weights: Optional[Sequence[float]] = None,
                 residual: bool = True,
                 **kwargs) -> None:
        super().__init__(in_channels, out_channels, **kwargs)
        if num_stages < 1:
            raise ValueError(f'num_stages must be >= 1, got {num_stages}')
        if not isinstance(self.final_layer, nn.Conv2d):
            raise ValueError('CascadeVotingFusionHead needs a final_layer')
        if stage_loss_weights is None:
            stage_loss_weights = [1.] * num_stages
        if len(stage_loss_weights) != num_stages:
            raise ValueError(f'stage_loss_weights needs {num_stages} '
                             f'values, got {stage_loss_weights}')
        self.num_stages = num_stages
        self.vote_radius = vote_radius
        self.residual = residual
        self.stage_loss_weights = list(stage_loss_weights)
        feat_channels = self.final_layer.in_channels
        width = refine_channels or feat_channels
        stages = []
        for _ in range(num_stages - 1):
            layers = [
                ConvModule(
                    feat_channels + out_channels if i == 0 else width,
                    width,
                    3,
                    padding=1,
                    norm_cfg=dict(type='BN')) for i in range(refine_num_convs)
            ]
            last = width if refine_num_convs else feat_channels + out_channels
            layers.append(nn.Conv2d(last, out_channels, 1))
            stages.append(nn.Sequential(*layers))
        self.refine_stages = nn.ModuleList(stages)

    def init_weights(self) -> None:
        """Initialise the weights; the refinement convs keep Kaiming's.

        :class:`HeatmapHead`'s ``init_cfg`` (normal, std 0.001, meant for
        its deconvolutions and output layer) reaches every ``Conv2d`` of
        the head, and the refinement :class:`ConvModule` s are not direct
        children, so their own (Kaiming) initialisation would never run.
        Each stage's 1x1 output conv keeps the std-0.001 init of mmpose's
        heatmap output layer (so a residual stage starts near a copy of the
        previous one).
        """
        super().init_weights()
        for stage in self.refine_stages:
            for layer in stage:
                if isinstance(layer, ConvModule):
                    layer.init_weights()

    def forward_stages(self, feats: Tuple[Tensor]) -> Tensor:
        """Heatmaps of every cascade stage.

        Args:
            feats (tuple[Tensor]): Backbone features; the last is used.

        Returns:
            Tensor: (S, B, K, H, W) heatmaps, stage 1 first.
        """
        x = self.conv_layers(self.deconv_layers(feats[-1]))
        heatmaps = [self.final_layer(x)]
        for refine in self.refine_stages:
            update = refine(torch.cat([x, heatmaps[-1]], dim=1))
            heatmaps.append(heatmaps[-1] + update if self.residual else update)
        return torch.stack(heatmaps)

    def vote(self, stage_heatmaps: Tensor) -> Tuple[Tensor, Tensor]:
        """Exclude deflected stage predictions and fuse the rest.

        Args:
            stage_heatmaps (Tensor): (S, B, K, H, W) heatmaps.

        Returns:
            tuple[Tensor, Tensor]: fused (B, K, H, W) heatmaps and the
            (S, B, K) bool mask of the stage predictions kept.
        """
        width = stage_heatmaps.shape[-1]
        index = stage_heatmaps.flatten(3).argmax(dim=3)  # S, B, K
        coords = torch.stack([index % width, index // width],
                             dim=-1).to(stage_heatmaps.dtype)
        voted = torch.quantile(coords, 0.5, dim=0)  # B, K, 2
        distance = (coords - voted).norm(dim=-1)  # S, B, K
        keep = (distance <= self.vote_radius) | (
            distance == distance.amin(dim=0, keepdim=True))
        weights = keep.to(stage_heatmaps.dtype)[..., None, None]
        fused = (stage_heatmaps * weights).sum(0) / weights.sum(0)
        return fused, keep

    def forward(self, feats: Tuple[Tensor]) -> Tensor:
        """Fused heatmaps (B, K, H, W) of the cascade (used to predict)."""
        return self.vote(self.forward_stages(feats))[0]

    def loss(self,
             feats: Tuple[Tensor],
             batch_data_samples: OptSampleList,
             train_cfg: ConfigType = {}) -> dict:
        """Sum of the stage losses and the last stage's accuracy.

        Args:
            feats (tuple[Tensor]): Backbone features.
            batch_data_samples (list[PoseDataSample]): With
                ``gt_fields.heatmaps`` and ``gt_instance_labels.
                keypoint_weights``.
            train_cfg (dict): ``compute_acc`` (default True).

        Returns:
            dict: ``loss_kpt`` and ``acc_pose``.
        """
        stage_heatmaps = self.forward_stages(feats)
        gt_heatmaps = torch.stack(
            [d.gt_fields.heatmaps for d in batch_data_samples])
        keypoint_weights = torch.cat([
            d.gt_instance_labels.keypoint_weights for d in batch_data_samples
        ])
        loss = sum(weight *
                   self.loss_module(heatmaps, gt_heatmaps, keypoint_weights)
                   for weight, heatmaps in zip(self.stage_loss_weights,
                                               stage_heatmaps))
        losses = dict(loss_kpt=loss)
        if train_cfg.get('compute_acc', True):
            _, avg_acc, _ = pose_pck_accuracy(
                output=to_numpy(stage_heatmaps[-1]),
                target=to_numpy(gt_heatmaps),
                mask=to_numpy(keypoint_weights) > 0)
            losses.update(
                acc_pose=torch.tensor(avg_acc, device=gt_heatmaps.device))
        return losses
