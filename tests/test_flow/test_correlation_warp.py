"""Correlation, warping and occlusion against hand-built cases."""
import math

import pytest
import torch

from mmext.flow.models.utils import (Correlation, correlation,
                                     correlation_reference, flow_warp,
                                     occlusion_forward_backward,
                                     occlusion_range_map, resize_flow)


def naive_correlation(f1, f2, d):
    """Per pixel, per displacement, per channel loops."""
    b, c, h, w = f1.shape
    k = 2 * d + 1
    out = torch.zeros(b, k * k, h, w, dtype=f1.dtype)
    for n in range(b):
        for y in range(h):
            for x in range(w):
                for dy in range(-d, d + 1):
                    for dx in range(-d, d + 1):
                        yy, xx = y + dy, x + dx
                        if 0 <= yy < h and 0 <= xx < w:
                            s = sum(f1[n, ch, y, x] * f2[n, ch, yy, xx]
                                    for ch in range(c))
                            out[n, (dy + d) * k + dx + d, y, x] = s / c
    return out


@pytest.mark.parametrize('shape,d', [((2, 3, 5, 7), 2), ((1, 2, 4, 19), 4),
                                     ((1, 1, 3, 3), 1)])
def test_correlation_matches_naive_loop(shape, d):
    torch.manual_seed(0)
    f1 = torch.randn(*shape, dtype=torch.float64)
    f2 = torch.randn(*shape, dtype=torch.float64)
    expected = naive_correlation(f1, f2, d)
    torch.testing.assert_close(correlation(f1, f2, d), expected)
    torch.testing.assert_close(correlation_reference(f1, f2, d), expected)


def test_correlation_partial_tiles_and_gradient():
    torch.manual_seed(1)
    f1 = torch.randn(2, 4, 19, 37, dtype=torch.float64, requires_grad=True)
    f2 = torch.randn(2, 4, 19, 37, dtype=torch.float64, requires_grad=True)
    out = Correlation(4)(f1, f2)
    assert out.shape == (2, 81, 19, 37)
    torch.testing.assert_close(out, correlation_reference(f1, f2, 4))
    assert torch.autograd.gradcheck(
        lambda a, b: correlation(a, b, 2),
        (f1[:1, :2, :3, :20].detach().requires_grad_(),
         f2[:1, :2, :3, :20].detach().requires_grad_()))


def test_correlation_of_a_shifted_copy_peaks_at_the_shift():
    torch.manual_seed(2)
    f1 = torch.randn(1, 8, 12, 12)
    f2 = torch.roll(f1, shifts=(1, -2), dims=(2, 3))  # content moves
    peak = correlation(f1, f2, 4)[0, :, 4:8, 4:8].mean((1, 2)).argmax()
    assert divmod(int(peak), 9) == (4 + 1, 4 - 2)


def test_correlation_rejects_mismatched_shapes():
    with pytest.raises(ValueError, match='one shape'):
        correlation(torch.zeros(1, 2, 4, 4), torch.zeros(1, 2, 4, 5))


def test_warp_by_a_constant_shift():
    img = torch.arange(20.).view(1, 1, 4, 5)
    flow = torch.zeros(1, 2, 4, 5)
    flow[:, 0] = 1  # sample one pixel to the right
    out = flow_warp(img, flow)
    torch.testing.assert_close(out[..., :4], img[..., 1:])
    torch.testing.assert_close(out[..., 4], img[..., 4])  # border padding
    flow[:, 0], flow[:, 1] = 0, -1  # one row up, zeros outside
    out = flow_warp(img, flow, padding_mode='zeros')
    torch.testing.assert_close(out[..., 1:, :], img[..., :3, :])
    assert out[..., 0, :].abs().max() == 0
    flow[:, 1] = 0.5  # half-way: bilinear mean of two rows
    out = flow_warp(img, flow)
    torch.testing.assert_close(out[..., :3, :],
                               (img[..., :3, :] + img[..., 1:, :]) / 2)


def test_resize_flow_scales_the_vectors():
    flow = torch.ones(1, 2, 4, 8)
    out = resize_flow(flow, (8, 32))
    assert out.shape == (1, 2, 8, 32)
    torch.testing.assert_close(out[0, 0], torch.full((8, 32), 4.))
    torch.testing.assert_close(out[0, 1], torch.full((8, 32), 2.))


def test_forward_backward_check_on_a_constructed_case():
    h, w = 3, 6
    fw = torch.zeros(1, 2, h, w)
    fw[:, 0] = 1.
    bw = torch.zeros(1, 2, h, w)
    bw[:, 0] = -1.
    bw[0, 0, 1, 3] = 0.  # pixel (1, 2) of frame 1 lands on (1, 3)
    occ = occlusion_forward_backward(fw, bw)[0, 0]
    expected = torch.zeros(h, w)
    expected[:, w - 1] = 1  # leaves the image: zero-padded backward flow
    # (1, 2): |1 + 0|^2 = 1 > 0.01 * (1 + 0) + 0.5
    expected[1, 2] = 1
    torch.testing.assert_close(occ, expected)
    # a small inconsistency stays within the tolerance
    bw[0, 0, 1, 3] = -0.4  # |0.6|^2 = 0.36 < 0.01 * 1.16 + 0.5
    assert occlusion_forward_backward(fw, bw)[0, 0, 1, 2] == 0


def test_range_map_occlusion():
    h, w = 2, 5
    bw = torch.zeros(1, 2, h, w)
    bw[:, 0] = 1.  # frame 2 pixels map one to the right in frame 1
    occ = occlusion_range_map(bw)[0, 0]
    expected = torch.zeros(h, w)
    expected[:, 0] = 1  # nobody reaches column 0
    torch.testing.assert_close(occ, expected)
    bw[:, 0] = 0.5  # half weights: column 0 gets 0.5 >= 0.2, visible
    assert occlusion_range_map(bw).sum() == 0
    bw[:, 0] = 0.9  # column 0 gets 0.1 < 0.2
    assert math.isclose(float(occlusion_range_map(bw)[0, 0, :, 0].sum()), 2)
