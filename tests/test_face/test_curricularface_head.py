import math

import pytest
import torch
import torch.nn.functional as F
from torch.autograd import gradcheck
from torch.func import functional_call

import mmext  # noqa: F401
from mmext.face.models import CurricularFaceHead
from mmpretrain.models import ArcFaceClsHead
from mmpretrain.structures import DataSample

M = 0.5
S = 64.
# Four unit class centres in 2-D, at these angles (degrees).
CLASS_ANGLES = (0., 60., 100., 334.)


def unit(degrees):
    rad = math.radians(degrees)
    return [math.cos(rad), math.sin(rad)]


def make_head(momentum=0.99, dtype=torch.float64):
    head = CurricularFaceHead(
        num_classes=len(CLASS_ANGLES),
        in_channels=2,
        scale=S,
        margins=M,
        momentum=momentum).to(dtype)
    head.norm_product.weight.data = torch.tensor(
        [unit(a) for a in CLASS_ANGLES], dtype=dtype)
    return head


def features(*degrees):
    return (torch.tensor([unit(d) for d in degrees], dtype=torch.float64), )


def test_hand_worked_logits():
    """Two samples of class 0 at 20 and 170 degrees from it.

    Sample A (20 deg): cos = [cos20, cos40, cos80, cos46] =
    [0.9397, 0.7660, 0.1736, 0.6947]; cos(theta_y + m) = cos(20 deg + 0.5)
    = 0.6607, so classes 1 and 3 are hard, class 2 easy.
    Sample B (170 deg): cos = [-0.9848, -0.3420, 0.3420, -0.9613];
    cos(theta_y) <= cos(pi - m) = -0.8776, so the positive falls back to
    cos - m sin(pi - m) = -1.2245; the mask uses cos(theta_y + m) = -0.9475:
    classes 1 and 2 are hard, class 3 (-0.9613) is easy although it is above
    the fallback value.
    t: 0.3 before, r = (0.9397 - 0.9848) / 2 = -0.02256, so
    t = 0.99 * 0.3 + 0.01 * r = 0.29677 is used for the modulation.
    """
    head = make_head()
    head.t.fill_(0.3)
    logits = head(features(20., 170.), torch.tensor([0, 0]))

    cos = math.cos
    rad = math.radians
    c_a = [cos(rad(20)), cos(rad(40)), cos(rad(80)), cos(rad(46))]
    c_b = [cos(rad(170)), cos(rad(110)), cos(rad(70)), cos(rad(164))]
    r = (c_a[0] + c_b[0]) / 2
    t = 0.99 * 0.3 + 0.01 * r
    assert t == pytest.approx(0.296774, abs=1e-6)
    assert head.t.item() == pytest.approx(t, abs=1e-12)
    expected = [
        [
            cos(rad(20) + M), c_a[1] * (t + c_a[1]), c_a[2],
            c_a[3] * (t + c_a[3])
        ],
        [
            c_b[0] - M * math.sin(math.pi - M), c_b[1] * (t + c_b[1]),
            c_b[2] * (t + c_b[2]), c_b[3]
        ],
    ]
    # The same values worked out with a calculator.
    assert expected[0][0] == pytest.approx(0.660685, abs=1e-6)
    assert expected[0][1] == pytest.approx(0.814166, abs=1e-6)
    assert expected[1][0] == pytest.approx(-1.224521, abs=1e-6)
    assert expected[1][2] == pytest.approx(0.218481, abs=1e-6)
    torch.testing.assert_close(logits,
                               S * torch.tensor(expected, dtype=torch.float64))
    assert logits.dtype == torch.float64


def test_t_after_several_updates():
    head = make_head(momentum=0.9)
    batches = [(20., 170.), (20., ), (10., 30., 50.)]
    t = 0.
    for degrees in batches:
        head(features(*degrees), torch.zeros(len(degrees), dtype=torch.long))
        r = sum(math.cos(math.radians(d)) for d in degrees) / len(degrees)
        t = 0.9 * t + 0.1 * r
        assert head.t.item() == pytest.approx(t, abs=1e-12)
    # By hand: t1 = 0.1 * -0.02256 = -0.002256; t2 = 0.9 * t1 + 0.1 * 0.93969
    # = 0.091939; t3 = 0.9 * t2 + 0.1 * (0.98481 + 0.86603 + 0.64279) / 3
    # = 0.165866.
    assert head.t.item() == pytest.approx(0.165866, abs=1e-6)


def test_t_frozen_in_eval_and_without_target():
    head = make_head()
    head.t.fill_(0.25)
    head(features(20.))
    head.train()
    head(features(20.))  # no target: plain cosine logits, no update
    assert head.t.item() == 0.25
    head.eval()
    logits = head(features(20.), torch.tensor([0]))
    assert head.t.item() == 0.25
    c = math.cos(math.radians(40))
    assert logits[0, 1].item() == pytest.approx(S * c * (0.25 + c))


def test_no_hard_negative_equals_arcface():
    """Without hard negatives the logits are ArcFace's."""
    head = make_head()
    arcface = ArcFaceClsHead(
        num_classes=len(CLASS_ANGLES), in_channels=2, scale=S,
        margins=M).double()
    arcface.load_state_dict(head.state_dict(), strict=False)
    feats, target = features(95.), torch.tensor([2])
    torch.testing.assert_close(head(feats, target), arcface(feats, target))


def test_loss_and_fp32_logits():
    head = make_head(dtype=torch.float32)
    feats = (torch.tensor([unit(20.), unit(170.)]).half(), )
    assert head(feats, torch.tensor([0, 0])).dtype == torch.float32
    samples = [DataSample().set_gt_label(0), DataSample().set_gt_label(1)]
    losses = head.loss(feats, samples)
    assert losses['loss'].dtype == torch.float32
    assert torch.isfinite(losses['loss'])


def test_t_in_checkpoint():
    head = make_head()
    head.t.fill_(0.42)
    state = head.state_dict()
    assert 't' in state
    restored = make_head()
    restored.load_state_dict(state)
    assert restored.t.item() == pytest.approx(0.42)


def test_gradients_match_finite_differences():
    torch.manual_seed(0)
    head = CurricularFaceHead(num_classes=6, in_channels=5).double().eval()
    head.t.fill_(0.2)
    feats = torch.randn(4, 5, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(6, 5, dtype=torch.float64, requires_grad=True)
    # One sample with its positive below cos(pi - m): the fallback branch.
    with torch.no_grad():
        weight[0] = -feats[0] + 0.05 * torch.randn(5, dtype=torch.float64)
    target = torch.tensor([0, 1, 2, 3])

    def logits(x, w):
        return functional_call(head, {'norm_product.weight': w},
                               ((x, ), target))

    with torch.no_grad():
        cos = F.normalize(feats) @ F.normalize(weight).T
        cos_y = cos.gather(1, target[:, None])
        hard = cos > torch.cos(torch.acos(cos_y) + M)
        hard.scatter_(1, target[:, None], False)
    assert cos_y[0] < math.cos(math.pi - M)  # the fallback is exercised
    assert hard.any() and not hard.all()  # so are both kinds of negatives
    assert gradcheck(logits, (feats, weight), eps=1e-6, atol=1e-5)


def test_invalid_momentum():
    with pytest.raises(ValueError, match='momentum'):
        CurricularFaceHead(num_classes=3, in_channels=2, momentum=1.5)
