"""DDLLoss against hand-worked values, its official quirks and gradients."""
import math

import numpy as np
import pytest
import torch

from mmext.face.models.losses import DDLLoss

# Three bins at 0, 0.5 and 1 with sigma 0.5: histograms small enough to
# work out by hand.
TINY = dict(num_bins=3, bin_width=0.5, sigma=0.5)


def unit(degrees, norm=1.):
    """2-D vectors of the given angles (degrees) and norm."""
    rad = np.deg2rad(np.asarray(degrees, dtype=np.float64))
    return torch.tensor(np.stack([np.cos(rad), np.sin(rad)], 1) * norm)


def hand_histogram(sims, centers=(0., .5, 1.), sigma=.5):
    h = [sum(math.exp(-.5 * ((s - t) / sigma)**2) for s in sims)
         for t in centers]
    return [v / sum(h) for v in h]


def hand_kl(p, q, eps=1e-9):
    return sum((a + eps) * (math.log(a + eps) - math.log(b + eps))
               for a, b in zip(p, q))


def test_histogram_hand_worked():
    loss = DDLLoss(**TINY)
    one = loss.histogram(torch.tensor([0.5], dtype=torch.float64))
    e = math.exp(-0.5)
    assert one.tolist() == pytest.approx([e / (1 + 2 * e), 1 / (1 + 2 * e),
                                          e / (1 + 2 * e)])
    sims = [0.0, 0.25, 0.9, -0.3]  # 4 similarities, one below 0
    hist = loss.histogram(torch.tensor(sims, dtype=torch.float64))
    assert hist.tolist() == pytest.approx(hand_histogram(sims), rel=1e-12)
    assert hist.sum().item() == pytest.approx(1.0)


def test_default_bins_are_official():
    loss = DDLLoss()
    centers = loss.bin_centers
    assert len(centers) == 1000
    assert centers[0].item() == 0 and centers[-1].item() == pytest.approx(
        0.999)
    sims = torch.tensor([0.1, 0.35, 0.7, 0.95], dtype=torch.float64)
    t = np.arange(1000) * 0.001
    expect = np.exp(-0.5 * ((sims.numpy()[:, None] - t) / 0.1)**2).sum(0)
    np.testing.assert_allclose(
        loss.histogram(sims).numpy(), expect / expect.sum(), rtol=1e-12)


def branches():
    """Two branches: features whose similarities are known exactly.

    Positives: teacher pairs at 36.87 deg (cos 0.8) and 53.13 deg (0.6);
    student pairs at 60 deg (0.5) and 101.54 deg (-0.2, dropped).
    Negatives: teacher at 0/90/180 deg (S01=0, S02=-1, S12=0), student at
    0/60/120 deg (S01=0.5, S02=-0.5, S12=0.5).
    """
    acos = lambda c: math.degrees(math.acos(c))  # noqa: E731
    pos_first = [unit([10, 20], 2.), unit([0, 30], 3.)]
    pos_second = [
        unit([10 + acos(0.8), 20 + acos(0.6)], 0.5),
        unit([60, 30 + acos(-0.2)], 1.5)
    ]
    neg = [unit([0, 90, 180], 2.), unit([0, 60, 120], 0.7)]
    return neg, pos_first, pos_second


def test_loss_hand_worked():
    neg, first, second = branches()
    loss = DDLLoss(**TINY)
    out = loss(neg, first, second)
    assert set(out) == {'loss_ddl_pos_kl', 'loss_ddl_neg_kl',
                        'loss_ddl_order'}
    pos_t, pos_s = [0.8, 0.6], [0.5]  # -0.2 <= 0 dropped
    neg_t, neg_s = [0., 0., 0.], [0.5, 0.5, 0.]
    pos_kl = hand_kl(hand_histogram(pos_t), hand_histogram(pos_s))
    neg_kl = hand_kl(hand_histogram(neg_t), hand_histogram(neg_s))
    mean = lambda v: sum(v) / len(v)  # noqa: E731
    order = sum(mean(n) - mean(p) for n in (neg_t, neg_s)
                for p in (pos_t, pos_s))
    assert out['loss_ddl_pos_kl'].item() == pytest.approx(0.1 * pos_kl)
    assert out['loss_ddl_neg_kl'].item() == pytest.approx(0.02 * neg_kl)
    assert out['loss_ddl_order'].item() == pytest.approx(0.5 * order)
    assert pos_kl > 0 and neg_kl > 0


def test_negatives_quirk_row_max_of_upper_triangle():
    feats = unit([0, 60, 120])
    sims = DDLLoss.negative_similarities(feats)
    # row 0: max(0 (diag), .5, -.5) ; row 1: max(0, 0, .5) ; row 2: all 0
    assert sims.tolist() == pytest.approx([0.5, 0.5, 0.0])
    # opposite features: the true negatives are -1, the quirk gives 0
    sims = DDLLoss.negative_similarities(unit([0, 180]))
    assert sims.tolist() == pytest.approx([0.0, 0.0])
    generator = torch.Generator().manual_seed(0)
    sims = DDLLoss.negative_similarities(
        torch.randn(16, 8, generator=generator))
    assert (sims >= 0).all() and sims[-1] == 0


def test_positive_threshold_is_honoured():
    neg, first, second = branches()
    default = DDLLoss(**TINY)
    assert default.positive_similarities(
        first[1], second[1]).tolist() == pytest.approx([0.5])
    strict = DDLLoss(positive_threshold=0.55, **TINY)
    assert strict.positive_similarities(
        first[0], second[0]).tolist() == pytest.approx([0.8, 0.6])
    # the student keeps no positive: its KL and order terms are skipped
    assert strict.positive_similarities(first[1], second[1]).numel() == 0
    out = strict(neg, first, second)
    assert out['loss_ddl_pos_kl'].item() == 0
    order = sum(n - 0.7 for n in (0., 1 / 3))  # only the teacher positives
    assert out['loss_ddl_order'].item() == pytest.approx(0.5 * order)
    assert default(neg, first, second)['loss_ddl_pos_kl'].item() > 0


def random_branches(seed, n=5, dim=4, dtype=torch.float64):
    generator = torch.Generator().manual_seed(seed)

    def make():
        return [
            torch.randn(n, dim, generator=generator,
                        dtype=dtype).requires_grad_() for _ in range(2)
        ]

    first = make()
    # positives close to their first image, so they pass the threshold
    second = [(f.detach() + 0.3 * torch.randn(
        n, dim, generator=generator, dtype=dtype)).requires_grad_()
              for f in first]
    return make(), first, second


def test_gradcheck_float64():
    neg, first, second = random_branches(1)
    loss = DDLLoss()

    def total(*tensors):
        n, a, b = tensors[:2], tensors[2:4], tensors[4:]
        return sum(loss(list(n), list(a), list(b)).values())

    assert torch.autograd.gradcheck(
        total, (*neg, *first, *second), eps=1e-6, atol=1e-5)


def test_detach_teacher():
    grads = {}
    for detach in (False, True):
        neg, first, second = random_branches(2)
        loss = DDLLoss(
            neg_kl_weight=0, order_loss_weight=0, detach_teacher=detach)
        loss(neg, first, second)['loss_ddl_pos_kl'].backward()
        grads[detach] = (first[0].grad, first[1].grad.clone())
    # the official behaviour: the teacher gets KL gradients too
    assert grads[False][0].abs().sum() > 0
    assert grads[True][0] is None  # no gradient reaches the teacher
    # the student gradient does not depend on the switch
    torch.testing.assert_close(grads[True][1], grads[False][1])


def test_half_inputs_give_fp32_and_errors():
    neg, first, second = random_branches(3, dtype=torch.float16)
    out = DDLLoss()(neg, first, second)
    assert all(v.dtype == torch.float32 for v in out.values())
    with pytest.raises(ValueError, match='1 negative, 2 first'):
        DDLLoss()(neg[:1], first, second)
    with pytest.raises(ValueError, match='shapes'):
        DDLLoss().positive_similarities(first[0], second[0][:3])
