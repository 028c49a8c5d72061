"""DBG: Dense Boundary Generator for temporal action proposals."""
from typing import Dict, List, Optional, Sequence, Tuple, Union

import torch
from mmaction.registry import MODELS
from mmaction.utils import ConfigType, OptConfigType
from mmengine.model import BaseModel
from torch import Tensor

from .action_aware_completeness_regression import \
    ActionAwareCompletenessRegression
from .batched_soft_nms import batched_soft_nms
from .dual_stream_base_net import DualStreamBaseNet
from .proposal_feature_generation import ProposalFeatureGeneration
from .temporal_boundary_classification import TemporalBoundaryClassification


@MODELS.register_module()
class DBG(BaseModel):
    """Dense Boundary Generator for temporal action proposal generation.

    Please refer to `Fast Learning of Temporal Action Proposal via Dense
    Boundary Generator <https://arxiv.org/abs/1911.04127>`_ (AAAI 2020).

    The dual-stream BaseNet (DSB) turns snippet features (B, C, T) into
    actionness scores and a fused feature; the proposal feature generation
    layer (PFG) samples both densely for every proposal (start i <= end j);
    action-aware completeness regression (ACR) predicts each proposal's
    completeness from the sampled actionness, and temporal boundary
    classification (TBC) its starting and ending probabilities from the
    sampled feature.  All T(T+1)/2 proposals ``[i / T, (j + 1) / T]`` are
    scored ``completeness[i, j] * start[i] * end[j]`` (``start[i]``: mean of
    the starting map over row i; ``end[j]``: mean of the ending map over
    column j) and pruned by soft-NMS.

    Args:
        temporal_dim (int): Snippets per video T. Defaults to 100.
        feat_dim (int): Feature channels C. Defaults to 400.
        stream_dims (Sequence[int], optional): Channels of the RGB and flow
            streams; ``feat_dim`` split in half when None.
        dsb_hidden_dims (Sequence[int]): Channels of the two temporal
            convolutions of each DSB stream. Defaults to ``(256, 128)``.
        pfg_num_samples (Sequence[int]): PFG sample points in the starting,
            action and ending regions. Defaults to ``(8, 16, 8)``.
        acr_hidden_dim (int): Hidden channels of ACR. Defaults to 256.
        tbc_hidden_dim_3d (int): Output channels of TBC's 3D convolution.
            Defaults to 512.
        tbc_hidden_dim_2d (int): Hidden channels of TBC's 1x1 convolutions.
            Defaults to 256.
        dropout (float): Dropout ratio in ACR and TBC. Defaults to 0.3.
        tbc_conv3d_relu (bool): ReLU after TBC's 3D convolution (the
            official TensorFlow model; the PyTorch one has none).
            Defaults to True.
        boundary_label_width (float): Width of the starting / ending label
            region around a ground-truth boundary, in snippets (DBG: 2, BMN:
            3). Defaults to 2.
        soft_nms_alpha (float): Soft-NMS Gaussian width. Defaults to 0.75.
        soft_nms_low_threshold (float): Soft-NMS low threshold.
            Defaults to 0.65.
        soft_nms_high_threshold (float): Soft-NMS high threshold.
            Defaults to 0.9.
        post_process_top_k (int): Proposals kept per video. Defaults to 100.
        feature_extraction_interval (int): Frames per feature snippet; the
            proposals are rescaled to seconds as mmaction2's
            ``post_processing`` does. Defaults to 16.
        loss_cls (dict): Config of the loss. Defaults to
            ``dict(type='DBGLoss')``.
        init_cfg (dict or list[dict], optional): Initialization config.
            Defaults to Glorot-uniform convolution weights and zero biases,
            as the official code.
    """

    def __init__(
        self,
        temporal_dim: int = 100,
        feat_dim: int = 400,
        stream_dims: Optional[Sequence[int]] = None,
        dsb_hidden_dims: Sequence[int] = (256, 128),
        pfg_num_samples: Sequence[int] = (8, 16, 8),
        acr_hidden_dim: int = 256,
        tbc_hidden_dim_3d: int = 512,
        tbc_hidden_dim_2d: int = 256,
        dropout: float = 0.3,
        tbc_conv3d_relu: bool = True,
        boundary_label_width: float = 2.,
        soft_nms_alpha: float = 0.75,
        soft_nms_low_threshold: float = 0.65,
        soft_nms_high_threshold: float = 0.9,
        post_process_top_k: int = 100,
        feature_extraction_interval: int = 16,
        loss_cls: ConfigType = dict(type='DBGLoss'),
        init_cfg: OptConfigType = dict(
            type='Xavier',
            layer=['Conv1d', 'Conv2d', 'Conv3d'],
            distribution='uniform',
            bias=0.)
    ) -> None:
        super().__init__(init_cfg=init_cfg)
        if stream_dims is None:
            if feat_dim % 2:
                raise ValueError(f'DBG: feat_dim={feat_dim} is odd; give '
                                 'stream_dims=(rgb, flow) explicitly')
            stream_dims = (feat_dim // 2, feat_dim // 2)
        if sum(stream_dims) != feat_dim:
            raise ValueError(f'DBG: stream_dims={tuple(stream_dims)} do not '
                             f'add up to feat_dim={feat_dim}')
        self.tscale = temporal_dim
        self.feat_dim = feat_dim
        self.boundary_label_width = boundary_label_width
        self.soft_nms_alpha = soft_nms_alpha
        self.soft_nms_low_threshold = soft_nms_low_threshold
        self.soft_nms_high_threshold = soft_nms_high_threshold
        self.post_process_top_k = post_process_top_k
        self.feature_extraction_interval = feature_extraction_interval
        self.loss_cls = MODELS.build(loss_cls)

        num_samples = sum(pfg_num_samples)
        self.dsb = DualStreamBaseNet(stream_dims, dsb_hidden_dims)
        self.pfg = ProposalFeatureGeneration(temporal_dim, *pfg_num_samples)
        self.acr = ActionAwareCompletenessRegression(num_samples,
                                                     acr_hidden_dim, dropout)
        self.tbc = TemporalBoundaryClassification(self.dsb.out_channels,
                                                  num_samples,
                                                  tbc_hidden_dim_3d,
                                                  tbc_hidden_dim_2d, dropout,
                                                  tbc_conv3d_relu)

        # Proposal (i, j) spans snippets i..j: [i / T, (j + 1) / T].
        grid = torch.arange(temporal_dim, dtype=torch.float32)
        self.register_buffer(
            'proposal_mask',
            grid.view(-1, 1) <= grid.view(1, -1),
            persistent=False)
        self.register_buffer(
            'anchors',
            torch.stack([grid, grid + 1], dim=1) / temporal_dim,
            persistent=False)

    def forward(self,
                inputs: Union[Tensor, List[Tensor]],
                data_samples: Optional[list] = None,
                mode: str = 'tensor',
                **kwargs) -> Union[Dict[str, Tensor], list, tuple]:
        """The unified entry for training, testing and tracing.

        Args:
            inputs (Tensor or list[Tensor]): Snippet features (C, T) per
                video, stacked to (B, C, T).
            data_samples (list[:obj:`ActionDataSample`], optional): With
                ``gt_instances.gt_bbox`` (normalised ``[start, end]`` rows)
                for ``loss``, and the video metainfo (``video_name``,
                ``duration_frame``, ``duration_second``) for ``predict``.
            mode (str): ``tensor``, ``loss`` or ``predict``.

        Returns:
            ``tensor``: the tuple of :meth:`_forward`; ``loss``: a dict of
            losses; ``predict``: a list with one dict per video.
        """
        if not isinstance(inputs, Tensor):
            self._check_features(inputs, data_samples)
            inputs = torch.stack(inputs)
        if mode == 'tensor':
            return self._forward(inputs)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'loss':
            return self.loss(inputs, data_samples)
        raise RuntimeError(f'Invalid mode "{mode}". '
                           'Only supports loss, predict and tensor mode')

    def _check_features(self, inputs: List[Tensor],
                        data_samples: Optional[list]) -> None:
        """Name the videos whose features do not fit the model."""
        expected = (self.feat_dim, self.tscale)
        bad = [i for i, x in enumerate(inputs) if tuple(x.shape) != expected]
        if not bad:
            return
        names = [
            data_samples[i].metainfo.get('video_name', f'item {i}')
            if data_samples else f'item {i}' for i in bad
        ]
        raise ValueError(
            f'DBG expects features of shape (feat_dim, temporal_dim) = '
            f'{expected} per video, got {tuple(inputs[bad[0]].shape)} for '
            f'{", ".join(names)}; check the feature files against the '
            'model\'s feat_dim and temporal_dim')

    def _forward(self, x: Tensor) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """Run DSB, PFG, ACR and TBC.

        Args:
            x (Tensor): Snippet features of shape (B, C, T).

        Returns:
            tuple[Tensor, Tensor, Tensor, Tensor]:

            - actionness (B, 3, T): RGB, flow and fused DSB scores;
            - completeness map (B, T, T);
            - starting map (B, T, T);
            - ending map (B, T, T); the maps are indexed ``[b, start, end]``.
        """
        if x.dim() != 3 or x.shape[1:] != (self.feat_dim, self.tscale):
            raise ValueError(f'DBG expects features of shape (B, '
                             f'{self.feat_dim}, {self.tscale}), got '
                             f'{tuple(x.shape)}')
        actionness, fused_feature = self.dsb(x)
        score = actionness.mean(1, keepdim=True)
        iou_map = self.acr(self.pfg(score))
        start_map, end_map = self.tbc(self.pfg(fused_feature))
        return actionness, iou_map, start_map, end_map

    def loss(self, batch_inputs: Tensor,
             batch_data_samples: list) -> Dict[str, Tensor]:
        """Compute the losses of a batch.

        Args:
            batch_inputs (Tensor): Snippet features (B, C, T).
            batch_data_samples (list[:obj:`ActionDataSample`]): With
                ``gt_instances.gt_bbox`` of shape (K, 2) in [0, 1].

        Returns:
            dict[str, Tensor]: The weighted loss terms of :class:`DBGLoss`.
        """
        gt_bbox = [s.gt_instances['gt_bbox'] for s in batch_data_samples]
        labels = self.generate_labels(gt_bbox)
        actionness, iou_map, start_map, end_map = self._forward(batch_inputs)
        return self.loss_cls(actionness, iou_map, start_map, end_map, *labels,
                             self.proposal_mask)

    def generate_labels(
            self, gt_bbox: Sequence[Tensor]
    ) -> Tuple[Tensor, Tensor, Tensor, Tensor]:
        """Build DBG's training labels from normalised ground truths.

        With snippet anchors ``[t / T, (t + 1) / T]``: the actionness label
        of snippet t is its largest overlap with a ground truth as a
        fraction of the anchor (IoA); the starting (ending) label is its
        largest IoA with a region of ``boundary_label_width / T`` centred on
        a ground-truth start (end); the IoU label of proposal (i, j) is its
        largest IoU with a ground truth, 0 for i > j.

        Args:
            gt_bbox (Sequence[Tensor]): Per video, ground truths of shape
                (K, 2) as ``[start, end]`` in [0, 1]; K may be 0.

        Returns:
            tuple[Tensor, Tensor, Tensor, Tensor]: Actionness (B, T),
            starting (B, T), ending (B, T) and IoU (B, T, T) labels.
        """
        # As the official getFullData: float64 throughout, anchors
        # ``tgap * t`` with ``tgap = 1 / T``, then cast to float32, so that
        # labels on the 0.2 / 0.6 strata thresholds fall where they do there.
        device = self.anchors.device
        f64 = dict(dtype=torch.float64, device=device)
        boxes = [torch.as_tensor(b, **f64).reshape(-1, 2) for b in gt_bbox]
        most = max([len(b) for b in boxes] + [1])
        # Padding boxes far outside [0, 1] overlap nothing.
        gt = torch.full((len(boxes), most, 2), -10., **f64)
        for i, b in enumerate(boxes):
            gt[i, :len(b)] = b
        gt_min, gt_max = gt[..., :1], gt[..., 1:]  # (B, K, 1)
        tgap = 1. / self.tscale
        steps = torch.arange(self.tscale + 1, **f64)
        a_min, a_max = tgap * steps[:-1], tgap * steps[1:]  # (T, )
        anchor_len = a_max - a_min

        def ioa(seg_min: Tensor, seg_max: Tensor) -> Tensor:
            inter = (torch.minimum(a_max, seg_max) -
                     torch.maximum(a_min, seg_min)).clamp(min=0)
            return (inter / anchor_len).amax(1)  # (B, T)

        half = tgap * self.boundary_label_width / 2
        gt_action = ioa(gt_min, gt_max)
        gt_start = ioa(gt_min - half, gt_min + half)
        gt_end = ioa(gt_max - half, gt_max + half)

        p_min = a_min.view(1, 1, -1, 1)
        p_max = a_max.view(1, 1, 1, -1)
        g_min, g_max = gt_min.unsqueeze(-1), gt_max.unsqueeze(-1)
        inter = (torch.minimum(p_max, g_max) -
                 torch.maximum(p_min, g_min)).clamp(min=0)
        union = (p_max - p_min) - inter + g_max - g_min
        iou = (inter / union).amax(1)
        gt_iou = torch.where(self.proposal_mask, iou, iou.new_zeros(()))
        gt_action, gt_start, gt_end, gt_iou = (
            label.float() for label in (gt_action, gt_start, gt_end, gt_iou))
        return gt_action, gt_start, gt_end, gt_iou

    def predict(self, batch_inputs: Tensor,
                batch_data_samples: list) -> List[dict]:
        """Generate the proposals of every video in the batch.

        Args:
            batch_inputs (Tensor): Snippet features (B, C, T).
            batch_data_samples (list[:obj:`ActionDataSample`]): Metainfo
                with ``video_name``, ``duration_frame`` and
                ``duration_second``.

        Returns:
            list[dict]: Per video, ``video_name`` and ``proposal_list``: up
            to ``post_process_top_k`` dicts with ``score`` and ``segment``
            (seconds), best first; the format of mmaction2's ``ANetMetric``.
        """
        _, iou_map, start_map, end_map = self._forward(batch_inputs)
        segments, scores = self.score_proposals(iou_map, start_map, end_map)
        _, segments, scores = batched_soft_nms(segments.cpu().double().numpy(),
                                               scores.cpu().double().numpy(),
                                               self.soft_nms_alpha,
                                               self.soft_nms_low_threshold,
                                               self.soft_nms_high_threshold,
                                               self.post_process_top_k)
        segments = segments.clip(0, 1)
        results = []
        for data_sample, segs, scs in zip(batch_data_samples, segments,
                                          scores):
            info = data_sample.metainfo
            interval = self.feature_extraction_interval
            duration = (
                info['duration_frame'] // interval * interval /
                info['duration_frame'] * info['duration_second'])
            seconds = (segs * duration).tolist()
            proposal_list = [
                dict(score=score, segment=segment)
                for score, segment in zip(scs.tolist(), seconds)
            ]
            results.append(
                dict(
                    video_name=info['video_name'],
                    proposal_list=proposal_list))
        return results

    def score_proposals(self, iou_map: Tensor, start_map: Tensor,
                        end_map: Tensor) -> Tuple[Tensor, Tensor]:
        """Score every proposal with start <= end.

        Args:
            iou_map (Tensor): Completeness map (B, T, T).
            start_map (Tensor): Starting map (B, T, T).
            end_map (Tensor): Ending map (B, T, T).

        Returns:
            tuple[Tensor, Tensor]: Segments ``[i / T, (j + 1) / T]`` of shape
            (B, P, 2) and scores ``completeness * start[i] * end[j]`` of
            shape (B, P), with P = T(T+1)/2 in row-major (i, j) order.
        """
        mask = self.proposal_mask.to(start_map.dtype)
        start = (start_map * mask).sum(2) / mask.sum(1)  # mean over j >= i
        end = (end_map * mask).sum(1) / mask.sum(0)  # mean over i <= j
        scores = iou_map * start.unsqueeze(2) * end.unsqueeze(1)
        starts, ends = self.proposal_mask.nonzero(as_tuple=True)
        segments = torch.stack(
            [self.anchors[starts, 0], self.anchors[ends, 1]], dim=1)
        segments = segments.to(scores.dtype).expand(scores.size(0), -1, -1)
        return segments, scores[:, starts, ends]
