"""EPE and Fl against hand-computed values."""
import math

import pytest
import torch

from mmext.flow.evaluation import EndPointError, FlowOutliers


def sample(pred, gt, valid=None, occ=None, subset=None):
    s = dict(
        pred_flow_fw=pred,
        gt_flow_fw=gt,
        gt_valid=torch.ones(gt.shape[1:]) if valid is None else valid,
        subset=subset)
    if occ is not None:
        s['gt_occ'] = occ
    return s


def test_epe_per_image_mean_with_noc_and_occ():
    gt = torch.zeros(2, 2, 2)
    pred = torch.zeros(2, 2, 2)
    pred[0, 0, 0], pred[1, 0, 0] = 3., 4.  # error 5 at pixel (0, 0)
    occ = torch.tensor([[1., 0], [0, 0]])
    a = sample(pred, gt, occ=occ)  # EPE 5/4, noc 0, occ 5
    pred2 = torch.ones(2, 2, 2)  # error sqrt(2) everywhere
    valid = torch.tensor([[1., 1], [0, 0]])
    b = sample(pred2, gt, valid=valid, occ=torch.zeros(2, 2))
    metric = EndPointError()
    metric.process({}, [a, b])
    out = metric.compute_metrics(metric.results)
    # per image, then over images (not pooled over pixels)
    assert math.isclose(out['EPE'], (5 / 4 + math.sqrt(2)) / 2, rel_tol=1e-6)
    assert math.isclose(out['EPE_noc'], (0 + math.sqrt(2)) / 2, rel_tol=1e-6)
    assert math.isclose(out['EPE_occ'], 5., rel_tol=1e-6)  # only image a


def test_epe_per_subset():
    gt = torch.zeros(2, 1, 1)
    metric = EndPointError()
    metric.process({}, [
        sample(torch.ones(2, 1, 1) * 3, gt, subset='clean'),
        sample(torch.zeros(2, 1, 1), gt, subset='final')
    ])
    out = metric.compute_metrics(metric.results)
    assert math.isclose(out['clean/EPE'], 3 * math.sqrt(2), rel_tol=1e-6)
    assert out['final/EPE'] == 0
    assert math.isclose(out['EPE'], 1.5 * math.sqrt(2), rel_tol=1e-6)


def test_epe_shape_mismatch_and_missing_label():
    metric = EndPointError()
    with pytest.raises(ValueError, match='prediction'):
        metric.process({},
                       [sample(torch.zeros(2, 2, 3), torch.zeros(2, 2, 2))])
    with pytest.raises(KeyError, match='gt_flow_fw'):
        metric.process({}, [dict(pred_flow_fw=torch.zeros(2, 1, 1))])


def test_fl_outlier_rule():
    gt = torch.zeros(2, 1, 4)
    gt[0] = torch.tensor([[100., 10., 10., 10.]])
    pred = gt.clone()
    pred[0, 0] += torch.tensor([4., 4., 2., 0.])
    # pixel 0: epe 4 > 3 but 4 % of |gt| = 100: inlier
    # pixel 1: epe 4 > 3 and 40 % of 10: outlier
    # pixel 2: epe 2 <= 3: inlier;  pixel 3: exact
    valid = torch.tensor([[1., 1., 1., 1.]])
    metric = FlowOutliers()
    metric.process({}, [sample(pred, gt, valid=valid)])
    # a second image, all outliers on its one valid pixel
    gt2 = torch.zeros(2, 1, 2)
    pred2 = torch.full((2, 1, 2), 10.)
    metric.process({}, [sample(pred2, gt2, valid=torch.tensor([[1., 0.]]))])
    out = metric.compute_metrics(metric.results)
    assert math.isclose(out['Fl-all'], (25. + 100.) / 2)
