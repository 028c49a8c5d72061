"""PSNR, SSIM (mmagic's semantics) and delta E against hand-worked
values."""
import math

import numpy as np
import pytest
import torch

from mmext.enhance.evaluation import PSNR, SSIM, DeltaE
from mmext.enhance.evaluation.metrics import delta_e76, psnr, ssim


def sample(pred, gt):
    return dict(
        pred_img=torch.as_tensor(pred).permute(2, 0, 1),
        gt_img=torch.as_tensor(gt).permute(2, 0, 1))


def run(metric, samples):
    metric.process({}, samples)
    return metric.compute_metrics(metric.results)


def test_psnr_by_hand():
    gt = np.full((16, 16, 3), 100, np.uint8)
    assert psnr(gt + 1., gt) == pytest.approx(20 * math.log10(255))
    half = gt.astype(np.float64)
    half[:8] += 2  # MSE 2
    assert psnr(half, gt) == pytest.approx(20 * math.log10(255) -
                                           10 * math.log10(2))
    assert psnr(gt, gt) == math.inf
    # the mean over images, not over pooled pixels
    out = run(PSNR(), [sample(gt + 1, gt), sample(half, gt)])
    assert out['PSNR'] == pytest.approx(
        20 * math.log10(255) - 5 * math.log10(2))
    # Y: differences scaled by 219 / 255 for a gray error
    out = run(PSNR(convert_to='Y'), [sample(gt + 1, gt)])
    assert out['PSNR'] == pytest.approx(20 * math.log10(255 / (219 / 255)))


def test_psnr_crop_border():
    gt = np.zeros((10, 10, 3), np.uint8)
    pred = gt.copy()
    pred[0] = 255  # only the border row differs
    assert run(PSNR(crop_border=1), [sample(pred, gt)])['PSNR'] == math.inf


def test_ssim_by_hand():
    a = np.full((20, 20, 3), 100.)
    b = np.full((20, 20, 3), 110.)
    c1 = (0.01 * 255)**2
    # constant images: no variance, SSIM = (2 ab + C1) / (a^2 + b^2 + C1)
    expected = (2 * 100 * 110 + c1) / (100**2 + 110**2 + c1)
    assert ssim(a, b) == pytest.approx(expected)
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 255, (24, 24, 3))
    assert ssim(x, x) == pytest.approx(1.)
    assert ssim(x, 255 - x) < 0
    # per-channel mean: a channel-wise change moves one third
    y = x.copy()
    y[..., 0] = 255 - x[..., 0]
    assert ssim(y, x) == pytest.approx(
        (ssim(255 - x[..., :1], x[..., :1]) + 2) / 3)
    out = run(SSIM(), [sample(a.astype(np.uint8), b.astype(np.uint8))])
    assert out['SSIM'] == pytest.approx(expected)
    with pytest.raises(ValueError, match='11x11'):
        ssim(np.zeros((8, 8, 3)), np.zeros((8, 8, 3)))


def test_gt_mean_protocol_is_opt_in_and_labelled():
    gt = np.full((16, 16, 3), 120, np.uint8)
    dark = np.full((16, 16, 3), 60, np.uint8)
    assert run(PSNR(), [sample(dark, gt)])['PSNR'] < 20
    out = run(PSNR(gt_mean=True), [sample(dark, gt)])
    assert set(out) == {'PSNR_gtmean'} and out['PSNR_gtmean'] == math.inf


def test_delta_e_overall_and_colourful():
    gt = np.full((4, 8, 3), 128, np.uint8)
    gt[:, 4:] = (255, 0, 0)  # colourful right half
    pred = gt.copy()
    pred[:, :4] = 0  # black instead of gray on the left
    out = delta_e76(pred.astype(np.float64), gt.astype(np.float64))
    assert out['DeltaE_colorful'] == pytest.approx(0.)
    # L* of gray 128 is 53.585..., black is 0: half the pixels
    assert out['DeltaE'] == pytest.approx(53.585 / 2, abs=1e-2)
    no_colour = delta_e76(pred[:, :4] * 1., gt[:, :4] * 1.)
    assert no_colour['DeltaE_colorful'] is None
    metric = run(DeltaE(), [sample(pred, gt), sample(pred[:, :4],
                                                     gt[:, :4])])
    assert metric['DeltaE_colorful'] == pytest.approx(0.)
    assert metric['DeltaE'] == pytest.approx((53.585 / 2 + 53.585) / 2,
                                             abs=1e-2)


def test_shape_mismatch_and_missing_key():
    with pytest.raises(ValueError, match='prediction'):
        run(PSNR(), [sample(np.zeros((4, 4, 3)), np.zeros((4, 5, 3)))])
    with pytest.raises(KeyError, match='pred_img'):
        PSNR().process({}, [dict(gt_img=torch.zeros(3, 4, 4))])
