"""ASFD head: anchors, strides, max-in-out and hard negative mining."""
import math

import torch
from mmdet.registry import MODELS
from mmengine.config import ConfigDict
from mmengine.registry import init_default_scope

import mmext.det  # noqa: F401

TRAIN_CFG = ConfigDict(
    assigner=dict(
        type='MaxIoUAssigner',
        pos_iou_thr=0.4,
        neg_iou_thr=0.4,
        min_pos_iou=0.,
        ignore_iof_thr=-1,
        gt_max_assign_all=False),
    sampler=dict(type='PseudoSampler'),
    neg_pos_ratio=3,
    allowed_border=-1,
    pos_weight=-1)


def build_head(**kwargs):
    init_default_scope('mmdet')
    cfg = dict(type='ASFDHead', in_channels=[4] * 6, feat_channels=4)
    cfg.update(kwargs)
    return MODELS.build(cfg)


def test_anchors_one_per_location_ratio_1p5_size_4x_stride():
    head = build_head()
    gen = head.prior_generator
    assert gen.strides == [(s, s) for s in (4, 8, 16, 32, 64, 128)]
    assert gen.num_base_priors == [1] * 6
    anchors = gen.grid_priors([(2, 2)] * 6, device='cpu')
    for level, stride in enumerate((4, 8, 16, 32, 64, 128)):
        size = 4 * stride
        w, h = size / math.sqrt(1.5), size * math.sqrt(1.5)
        c = stride / 2  # centred on the cell as the public PriorBox
        expected = torch.tensor([c - w / 2, c - h / 2, c + w / 2, c + h / 2])
        assert torch.allclose(anchors[level][0], expected, atol=1e-3)
        # the next cell to the right is one stride away
        assert torch.allclose(anchors[level][1] - anchors[level][0],
                              torch.tensor([stride, 0., stride, 0.]))
    first_shot = build_head(
        anchor_generator=dict(
            type='AnchorGenerator',
            strides=[4, 8, 16, 32, 64, 128],
            ratios=[1.5],
            scales=[2],
            center_offset=0.5))
    small = first_shot.prior_generator.grid_priors([(1, 1)] * 6, device='cpu')
    big = gen.grid_priors([(1, 1)] * 6, device='cpu')
    for s, b in zip(small, big):  # first shot: half the anchor size
        assert torch.allclose((s[:, 2:] - s[:, :2]) * 2, b[:, 2:] - b[:, :2])


def test_max_in_out_by_hand():
    head = build_head()
    raw = torch.tensor([1., 5., 2., 3.]).view(1, 4, 1, 1)
    # level 1: 3 background logits, then the face logit -> (face, max bg)
    assert head.max_in_out_scores(raw, 0).flatten().tolist() == [3., 5.]
    # other levels: 3 face logits, then background -> (max face, bg)
    assert head.max_in_out_scores(raw, 2).flatten().tolist() == [5., 3.]
    feats = [torch.randn(2, 4, 8 // 2**i + 1, 6) for i in range(6)]
    scores, deltas = head(feats)
    assert [s.shape[1] for s in scores] == [2] * 6
    assert [d.shape[1] for d in deltas] == [4] * 6
    assert head.cls_convs[0][-1].out_channels == 4  # maxout 3 + 1


def test_hard_negative_mining_keeps_three_negatives_per_positive():
    head = build_head(
        train_cfg=TRAIN_CFG,
        loss_drmc=dict(type='DRMCLoss', margin_type='none'))
    # anchor 0 positive; negatives with background CE increasing in the
    # face logit: anchors 3, 5, 1 are the hardest
    scores = torch.tensor([[1., 0.], [2., 0.], [0., 0.], [4., 0.], [-1., 0.],
                           [3., 0.], [0.5, 0.]])
    labels = torch.tensor([0, 1, 1, 1, 1, 1, 1])
    label_weights = torch.ones(7)
    anchors = torch.tensor([[0., 0., 10., 10.]] * 7)
    deltas = torch.zeros(7, 4)
    targets = torch.zeros(7, 4)
    targets[0] = anchors[0]
    box_weights = torch.zeros(7, 4)
    box_weights[0] = 1
    loss_cls, loss_bbox = head.loss_by_feat_single(
        scores,
        deltas,
        anchors,
        labels,
        label_weights,
        targets,
        box_weights,
        avg_factor=1)
    ce = torch.nn.functional.cross_entropy(scores, labels, reduction='none')
    assert torch.allclose(loss_cls, ce[[0, 3, 5, 1]].sum())
    assert loss_bbox.item() < 1e-6  # decoded box == target
