"""DBG's losses against hand-worked values and degenerate batches."""
import math

import pytest
import torch
import torch.nn.functional as F

from mmext.action.models.losses import DBGLoss, balanced_binary_logistic_loss

EPS = 1e-6


def official_loss(pred, label):
    """The official formula, valid when there are positives and negatives."""
    pos = (label > 0.5).float()
    ratio = pos.numel() / max(pos.sum().item(), 1)
    c1, c0 = 0.5 * ratio, 0.5 * ratio / (ratio - 1)
    return -(c1 * pos * torch.log(pred + EPS) + c0 *
             (1 - pos) * torch.log(1 - pred + EPS)).mean()


def test_balanced_by_hand():
    pred = torch.tensor([0.9, 0.2, 0.6, 0.1])
    # two positives of four: both coefficients are 0.5 * 4 / 2 = 1
    label = torch.tensor([1., 0., 0.7, 0.3])
    expected = -(math.log(0.9 + EPS) + math.log(0.8 + EPS) +
                 math.log(0.6 + EPS) + math.log(0.9 + EPS)) / 4
    loss = balanced_binary_logistic_loss(pred, label)
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    # one positive of four: c1 = 0.5 * 4 / 1 = 2, c0 = 0.5 * 4 / 3
    label = torch.tensor([1., 0., 0., 0.5])
    expected = -(
        2 * math.log(0.9 + EPS) + 2 / 3 *
        (math.log(0.8 + EPS) + math.log(0.4 + EPS) + math.log(0.9 + EPS))) / 4
    loss = balanced_binary_logistic_loss(pred, label)
    assert loss.item() == pytest.approx(expected, rel=1e-6)


def test_equals_the_official_formula_and_is_not_clipped():
    torch.manual_seed(0)
    pred = torch.rand(2, 100)
    label = (torch.rand(2, 100) < 0.02).float()  # ratio about 50 > 21
    assert 0 < label.sum() < 10
    assert balanced_binary_logistic_loss(pred, label).item() == \
        pytest.approx(official_loss(pred, label).item(), rel=1e-6)


def test_all_positive_all_negative_and_single_entry_are_finite():
    pred = torch.tensor([0.3, 0.8, 0.999], requires_grad=True)
    loss = balanced_binary_logistic_loss(pred, torch.ones(3))
    # no negatives: only the positive term, c1 = 0.5 * 3 / 3
    expected = -0.5 * sum(math.log(p + EPS) for p in (0.3, 0.8, 0.999)) / 3
    assert loss.item() == pytest.approx(expected, rel=1e-6)
    loss.backward()
    assert torch.isfinite(pred.grad).all()
    # no positives: the official c0 = 0.5 * ratio / (ratio - 1), ratio = M
    loss = balanced_binary_logistic_loss(pred.detach(), torch.zeros(3))
    expected = -0.5 * 3 / 2 * sum(
        math.log(1 - p + EPS) for p in (0.3, 0.8, 0.999)) / 3
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    single = balanced_binary_logistic_loss(
        torch.tensor([0.4]), torch.tensor([0.]))
    assert single.item() == pytest.approx(-0.5 * math.log(0.6 + EPS))
    empty = balanced_binary_logistic_loss(
        torch.rand(3), torch.ones(3), mask=torch.zeros(3, dtype=torch.bool))
    assert empty.item() == 0


def test_mask_selects_entries():
    torch.manual_seed(1)
    pred, label = torch.rand(4, 4), torch.rand(4, 4)
    mask = torch.ones(4, 4, dtype=torch.bool).triu()
    loss = balanced_binary_logistic_loss(pred, label, mask)
    assert loss.item() == pytest.approx(
        balanced_binary_logistic_loss(pred[mask], label[mask]).item())
    with pytest.raises(ValueError, match='shapes differ'):
        balanced_binary_logistic_loss(pred, label[:2])


def test_completeness_loss_by_hand():
    # 3 x 3 map: 2 high, 1 mid, 3 low (upper triangle) proposals, so both
    # sampling rates are 1 (1 <= 2 mid, 3 <= 4 low): all 6 are used.
    gt = torch.tensor([[[0.8, 0.5, 0.1], [0., 0.7, 0.], [0., 0., 0.]]])
    pred = torch.tensor([[[0.6, 0.9, 0.1], [0.9, 0.2, 0.4], [0.9, 0.9, 0.3]]])
    mask = torch.ones(3, 3, dtype=torch.bool).triu()
    diffs = [0.2, 0.4, 0.0, 0.5, 0.4, 0.3]
    expected = sum(0.5 * d * d for d in diffs) / 6  # smooth-L1, |d| < 1
    loss = DBGLoss().completeness_loss(pred, gt, mask)
    assert loss.item() == pytest.approx(expected, rel=1e-5)
    # no high-IoU proposal: nothing is sampled, the loss is 0, not NaN
    loss = DBGLoss().completeness_loss(pred, gt * 0.5, mask)
    assert loss.item() == 0


def test_completeness_sampling_rates():
    torch.manual_seed(0)
    tscale = 100
    mask = torch.ones(tscale, tscale, dtype=torch.bool).triu()
    gt = torch.zeros(1, tscale, tscale)
    gt[0, :5, 90:] = 0.9  # 50 high
    gt[0, 10:30, 40:60] = 0.4 * mask[10:30, 40:60]  # 400 mid
    pred = torch.full_like(gt, 0.5)
    loss = DBGLoss().completeness_loss(pred, gt, mask)
    # expected sample counts: 50 high, 50 mid, 100 low
    high = F.smooth_l1_loss(torch.tensor(0.5), torch.tensor(0.9)).item()
    mid = F.smooth_l1_loss(torch.tensor(0.5), torch.tensor(0.4)).item()
    low = F.smooth_l1_loss(torch.tensor(0.5), torch.tensor(0.)).item()
    expected = (50 * high + 50 * mid + 100 * low) / 200
    assert loss.item() == pytest.approx(expected, rel=0.15)


def test_dbg_loss_weights():
    torch.manual_seed(2)
    tscale = 8
    mask = torch.ones(tscale, tscale, dtype=torch.bool).triu()
    actionness = torch.rand(2, 3, tscale)
    maps = [torch.rand(2, tscale, tscale) for _ in range(3)]
    gt_action, gt_start, gt_end = (torch.rand(2, tscale) for _ in range(3))
    gt_iou = torch.rand(2, tscale, tscale) * mask
    losses = DBGLoss()(actionness, *maps, gt_action, gt_start, gt_end, gt_iou,
                       mask)
    assert set(losses) == {'loss_action', 'loss_iou', 'loss_start', 'loss_end'}
    action = sum(
        balanced_binary_logistic_loss(actionness[:, i], gt_action)
        for i in range(3)) / 3
    assert losses['loss_action'].item() == pytest.approx(2 * action.item())
    start = balanced_binary_logistic_loss(
        maps[1], gt_start[:, :, None].expand(-1, -1, tscale), mask)
    end = balanced_binary_logistic_loss(
        maps[2], gt_end[:, None, :].expand(-1, tscale, -1), mask)
    assert losses['loss_start'].item() == pytest.approx(start.item())
    assert losses['loss_end'].item() == pytest.approx(end.item())
    weighted = DBGLoss(
        action_weight=1, iou_weight=1)(actionness, *maps, gt_action, gt_start,
                                       gt_end, gt_iou, mask)
    assert weighted['loss_action'].item() == pytest.approx(action.item())


def test_all_positive_batch_gives_finite_losses():
    tscale = 6
    mask = torch.ones(tscale, tscale, dtype=torch.bool).triu()
    ones = torch.ones(1, tscale)
    actionness = torch.rand(1, 3, tscale, requires_grad=True)
    maps = [
        torch.rand(1, tscale, tscale, requires_grad=True) for _ in range(3)
    ]
    losses = DBGLoss()(actionness, *maps, ones, ones, ones,
                       torch.ones(1, tscale, tscale) * mask, mask)
    total = sum(losses.values())
    total.backward()
    assert torch.isfinite(total)
    for tensor in [actionness, *maps]:
        assert torch.isfinite(tensor.grad).all()
