"""DRMC loss against hand-worked logits and boxes."""
import math

import pytest
import torch
from mmdet.registry import MODELS
from mmengine.registry import init_default_scope

import mmext.det  # noqa: F401


def build(**kwargs):
    init_default_scope('mmdet')
    return MODELS.build(dict(type='DRMCLoss', **kwargs))


def test_cosface_margin_on_the_face_logit_of_positives_only():
    loss = build(margin_type='cosface', margin=0.2, scale=1.0)
    scores = torch.tensor([[2., 0.], [2., 0.]])
    labels = torch.tensor([0, 1])  # a face, a background anchor
    logits = loss.margin_logits(scores, labels)
    assert torch.allclose(logits, torch.tensor([[1.8, 0.], [2., 0.]]))
    per_anchor = loss.classification(scores, labels)
    # -log softmax: log(1 + e^-(1.8)) and log(1 + e^2)
    expected = torch.tensor(
        [math.log1p(math.exp(-1.8)),
         math.log1p(math.exp(2.))])
    assert torch.allclose(per_anchor, expected)
    scaled = build(margin_type='cosface', margin=0.2, scale=4.0)
    assert torch.allclose(
        scaled.classification(scores[:1], labels[:1]),
        torch.tensor([math.log1p(math.exp(-4 * 1.8))]),
        rtol=1e-4)


def test_arcface_margin_on_the_face_angle():
    loss = build(margin_type='arcface', margin=0.2, scale=1.0)
    scores = torch.tensor([[3., 4.]])  # cosines (0.6, 0.8)
    face = 0.6 * math.cos(0.2) - 0.8 * math.sin(0.2)  # cos(theta + m)
    logits = loss.margin_logits(scores, torch.tensor([0]))
    assert torch.allclose(logits, torch.tensor([[face, 0.8]]), atol=1e-6)
    assert torch.allclose(
        loss.classification(scores, torch.tensor([0])),
        torch.tensor([math.log1p(math.exp(0.8 - face))]),
        atol=1e-6)
    # a background anchor: plain cosines, no margin
    assert torch.allclose(
        loss.margin_logits(scores, torch.tensor([1])),
        torch.tensor([[0.6, 0.8]]))


def test_no_margin_is_softmax_cross_entropy():
    loss = build(margin_type='none')
    scores = torch.randn(5, 2)
    labels = torch.tensor([0, 1, 1, 0, 1])
    assert torch.allclose(
        loss.classification(scores, labels),
        torch.nn.functional.cross_entropy(scores, labels, reduction='none'))


def test_forward_weights_and_mmdet_diou_regression():
    loss = build(margin_type='cosface', margin=0.2, loss_cls_weight=2.0)
    scores = torch.tensor([[2., 0.], [2., 0.], [0., 1.]])
    labels = torch.tensor([0, 1, 1])
    label_weights = torch.tensor([1., 1., 0.])  # third not mined
    pred = torch.tensor([[0., 0., 2., 2.], [0., 0., 1., 1.], [0., 0., 1., 1.]])
    target = torch.tensor([[1., 1., 3., 3.], [0., 0., 0., 0.],
                           [0., 0., 0., 0.]])
    box_weights = torch.tensor([[1.] * 4, [0.] * 4, [0.] * 4])
    out = loss(
        scores,
        labels,
        label_weights,
        pred,
        target,
        box_weights,
        avg_factor=1.0)
    cls = math.log1p(math.exp(-1.8)) + math.log1p(math.exp(2.))
    assert out['loss_cls'].item() == pytest.approx(2 * cls, rel=1e-5)
    # DIoU: IoU 1/7, centre distance^2 2, enclosing diagonal^2 18
    diou = 1 - 1 / 7 + 2 / 18
    assert out['loss_bbox'].item() == pytest.approx(diou, rel=1e-4)
    assert type(loss.loss_bbox).__name__ == 'DIoULoss'


def test_bad_margin_type_is_rejected():
    with pytest.raises(ValueError, match='margin_type'):
        build(margin_type='sphereface')


def test_arcface_fallback_past_pi_stays_monotonic():
    loss = build(margin_type='arcface', margin=0.5)
    # theta_f close to pi: cos(theta + m) would wrap around and grow
    cos_f = -0.95
    scores = torch.tensor([[cos_f, math.sqrt(1 - cos_f**2)]])
    logits = loss.margin_logits(scores, torch.tensor([0]))
    expected = cos_f - math.sin(math.pi - 0.5) * 0.5
    assert logits[0, 0].item() == pytest.approx(expected, abs=1e-5)
