"""Photometric distances, smoothness, UnFlowLoss and the AR loss."""
import math

import torch

from mmext.flow.models import ARLoss, ARSpatialTransform, UnFlowLoss
from mmext.flow.models.losses import (census_distance, smoothness_1st,
                                      smoothness_2nd, ssim_distance)


def test_ssim_of_constant_images_by_hand():
    x = torch.full((1, 3, 5, 6), 0.2, dtype=torch.float64)
    y = torch.full((1, 3, 5, 6), 0.6, dtype=torch.float64)
    c1 = 0.01**2
    # sigmas are 0: SSIM = (2 mu_x mu_y + C1) / (mu_x^2 + mu_y^2 + C1)
    ssim = (2 * 0.2 * 0.6 + c1) / (0.2**2 + 0.6**2 + c1)
    out = ssim_distance(x, y)
    assert out.shape == (1, 3, 3, 4)  # 3x3 window, valid region
    torch.testing.assert_close(out, torch.full_like(out, (1 - ssim) / 2))
    assert ssim_distance(y, y).abs().max() < 1e-6


def test_ssim_of_a_patch_by_hand():
    x = torch.tensor([[0., 1, 0], [1, 0, 1], [0, 1, 0]],
                     dtype=torch.float64).view(1, 1, 3, 3)
    y = torch.zeros(1, 1, 3, 3, dtype=torch.float64) + 0.5
    c1, c2 = 0.01**2, 0.03**2
    mu_x, var_x = 4 / 9, 4 / 9 - (4 / 9)**2
    ssim = (2 * mu_x * 0.5 + c1) * c2 / ((mu_x**2 + 0.25 + c1) * (var_x + c2))
    assert math.isclose(
        float(ssim_distance(x, y)), (1 - ssim) / 2, rel_tol=1e-5)


def test_census_by_hand():
    x = torch.zeros(1, 3, 3, 3)
    y = torch.zeros(1, 3, 3, 3)
    y[0, :, 1, 1] = 0.1  # the centre pixel brighter in every channel
    gray = 255 * 0.1 * (0.2989 + 0.5870 + 0.1140)
    t = -gray / math.sqrt(0.81 + gray**2)  # each neighbour vs the centre
    d2 = t**2
    expected = 8 / 9 * d2 / (0.1 + d2)  # 8 differing of 9 patch entries
    out = census_distance(x, y)
    assert out.shape == (1, 1, 3, 3)
    assert math.isclose(float(out[0, 0, 1, 1]), expected, rel_tol=1e-5)
    assert float(out.sum() - out[0, 0, 1, 1]) == 0  # 1-px border masked
    img = torch.rand(1, 3, 6, 6)
    assert census_distance(img, img).abs().max() == 0
    # census ignores a global brightness offset (away from the border)
    shifted = census_distance(img, img + 0.1)
    assert shifted[..., 1:-1, 1:-1].abs().max() < 1e-6


def test_smoothness_by_hand():
    img = torch.zeros(1, 3, 4, 4)
    flow = torch.zeros(1, 2, 4, 4)
    flow[:, 0, :, 2:] = 1.  # one vertical step edge in u
    # |d_x u| = 1 on 4 of the 2 x 4 x 3 x-gradients, weights 1
    expected = (4 / 24) / 4
    assert math.isclose(
        float(smoothness_1st(flow, img)), expected, rel_tol=1e-6)
    img[:, :, :, 2:] = 1.  # an image edge at the same place
    expected = (4 * math.exp(-10) / 24) / 4
    assert math.isclose(
        float(smoothness_1st(flow, img)), expected, rel_tol=1e-5)
    ramp = torch.arange(4.).view(1, 1, 1, 4).expand(1, 2, 4, 4)
    assert float(smoothness_2nd(ramp, torch.zeros(1, 3, 4, 4))) == 0


def _pyramid(flow, levels=5):
    out = [flow]
    for _ in range(levels - 1):
        flow = torch.nn.functional.avg_pool2d(flow, 2) / 2
        out.append(flow)
    return out


def test_unflow_loss_is_lowest_at_the_true_flow():
    torch.manual_seed(0)
    img1 = torch.rand(1, 3, 64, 64)
    img1 = torch.nn.functional.avg_pool2d(img1, 3, 1, 1)
    img2 = torch.roll(img1, 2, dims=3)  # content moves 2 px right
    fw = torch.zeros(1, 2, 64, 64)
    fw[:, 0] = 2.
    loss = UnFlowLoss(w_l1=0.15, w_ssim=0.85, occ_from_back=True)
    true = loss(_pyramid(fw), _pyramid(-fw), img1, img2)
    zero = loss(_pyramid(fw * 0), _pyramid(fw * 0), img1, img2)
    assert float(true['loss_photo']) < 0.2 * float(zero['loss_photo'])
    assert float(true['loss_smooth']) == 0
    # the backward flow (-2 px) reaches no frame-1 pixel of the last two
    # columns: those leave the view and are occluded
    assert true['noc_fw'][0, 0, :, -2:].sum() == 0
    assert true['noc_fw'][0, 0, :, :-2].min() == 1
    # at full resolution the 2-px shift is exact: census vanishes where
    # the forward-backward check finds frame 1 visible
    census = UnFlowLoss(
        w_l1=0,
        w_ssim=0,
        w_ternary=1,
        occ_from_back=False,
        w_scales=(1, 0, 0, 0, 0))
    assert float(
        census(_pyramid(fw), _pyramid(-fw), img1, img2)['loss_photo']) < 1e-6


def test_ar_loss_zero_when_prediction_equals_the_transformed_teacher():
    torch.manual_seed(0)
    teacher = torch.randn(2, 2, 16, 16)
    mask = (torch.rand(2, 1, 16, 16) > 0.3).float()
    loss = ARLoss(loss_weight=0.01)
    st = ARSpatialTransform()
    out = st(torch.rand(2, 3, 16, 16), torch.rand(2, 3, 16, 16), teacher, mask)
    assert float(loss(out['flow'].clone(), out['flow'], out['mask'])) == 0
    # off by (1, 1) everywhere: L1 per component is 1 -> w_ar
    assert math.isclose(
        float(loss(out['flow'] + 1, out['flow'], out['mask'])),
        0.01,
        rel_tol=1e-5)
    # the paper's robust form: (|d| + eps)^q under the mask only
    robust = ARLoss(loss_weight=1., eps=0.01, q=0.4)
    pred = teacher.clone()
    pred[mask.expand_as(pred) == 0] += 100  # errors where masked out only
    assert math.isclose(
        float(robust(pred, teacher, mask)), 0.01**0.4, rel_tol=1e-4)


def test_spatial_transform_of_a_constant_flow_is_analytic():
    flow = torch.zeros(1, 2, 20, 30)
    flow[:, 0], flow[:, 1] = 2., -1.
    img = torch.rand(1, 3, 20, 30)
    zoom = ARSpatialTransform(
        translate=(0., 0.),
        zoom=(1.25, 1.25, 1., 1.),
        squeeze=(1., 1., 1., 1.),
        rotate=(0., 0., 0., 0.),
        hflip=False,
        vflip=False,
        noise_std=None)
    out = zoom(img, img, flow, torch.ones(1, 1, 20, 30))
    torch.testing.assert_close(out['flow'], flow * 1.25)
    # a relative zoom of frame 2 only: F' = z2 (A1 p + F) - p
    rel = ARSpatialTransform(
        translate=(0., 0.),
        zoom=(1., 1., 1.1, 1.1),
        squeeze=(1., 1., 1., 1.),
        rotate=(0., 0., 0., 0.),
        hflip=False,
        vflip=False,
        noise_std=None)
    out = rel(img, img, torch.zeros_like(flow), torch.ones(1, 1, 20, 30))
    xs = torch.arange(30.) - 14.5
    torch.testing.assert_close(out['flow'][0, 0, 0], xs * 1.1 - xs)
    # a sure horizontal flip negates u
    flip = ARSpatialTransform(
        translate=(0., 0.),
        zoom=(1., 1., 1., 1.),
        squeeze=(1., 1., 1., 1.),
        rotate=(0., 0., 0., 0.),
        hflip=True,
        vflip=False,
        noise_std=None)
    torch.manual_seed(3)
    outs = [flip(img, img, flow, torch.ones(1, 1, 20, 30)) for _ in range(8)]
    us = {round(float(o['flow'][0, 0].mean()), 4) for o in outs}
    assert us == {2., -2.}
    for o in outs:
        if float(o['flow'][0, 0].mean()) < 0:
            torch.testing.assert_close(o['img1'], img.flip(3))


def test_spatial_transform_keeps_the_view_inside_the_image():
    torch.manual_seed(0)
    st = ARSpatialTransform()
    a1, a2 = st.sample_transforms(64, torch.zeros(1))
    corners = torch.tensor([[-1., -1, 1], [1, -1, 1], [-1, 1, 1], [1, 1,
                                                                   1]]).t()
    for a in (a1, a2):
        assert (a @ corners)[:, :2].abs().max() <= 1 + 1e-6


def test_superpixels_follow_colour_edges():
    from mmext.flow.models.ar_transforms import superpixels
    img = torch.zeros(1, 3, 32, 48)
    img[:, 0, :16, :24] = 1.  # four flat quadrants of different colours
    img[:, 1, :16, 24:] = 1.
    img[:, 2, 16:, :24] = 1.
    labels = superpixels(img, num_segments=24, compactness=10.)[0]
    quadrant = (torch.arange(32)[:, None] >= 16) * 2 + (
        torch.arange(48)[None] >= 24)
    for label in labels.unique():
        assert quadrant[labels == label].unique().numel() == 1


def test_occlusion_transform_replaces_whole_superpixels():
    from mmext.flow.models import AROcclusionTransform
    from mmext.flow.models.ar_transforms import superpixels
    torch.manual_seed(0)
    img1 = torch.rand(2, 3, 40, 56)
    img2 = torch.nn.functional.interpolate(
        torch.rand(2, 3, 5, 7), size=(40, 56), mode='bilinear')
    flow = torch.randn(2, 2, 40, 56)
    mask = (torch.rand(2, 1, 40, 56) > 0.2).float()
    ot = AROcclusionTransform(
        crop_size=None, num_segments=40, num_selected=(3, 5))
    out = ot(img1, img2, flow, mask)
    assert out['img1'] is img1 and out['flow'] is flow
    labels = superpixels(img2, 40, 50.)
    changed = (out['img2'] != img2).any(1)
    for b in range(2):
        replaced = [
            int(lab) for lab in labels[b].unique()
            if changed[b][labels[b] == lab].float().mean() > 0.5
        ]
        assert 3 <= len(replaced) <= 5
        keep = ~torch.isin(labels[b], torch.tensor(replaced))
        assert not changed[b][keep].any()
    cropped = AROcclusionTransform(
        crop_size=(16, 24), num_segments=10)(img1, img2, flow, mask)
    assert cropped['flow'].shape == (2, 2, 16, 24)
    # the crop is one window of the teacher and of frame 1
    hits = [(y, x) for y in range(25) for x in range(33)
            if torch.equal(flow[..., y:y + 16, x:x + 24], cropped['flow'])]
    assert len(hits) == 1
    y, x = hits[0]
    assert torch.equal(img1[..., y:y + 16, x:x + 24], cropped['img1'])
    assert torch.equal(mask[..., y:y + 16, x:x + 24], cropped['mask'])
