"""CWANLoss: the terms, the colourful mask, the switch."""
import torch

from mmext.enhance.models import CWANLoss, rgb_to_lab


def half_gray_half_red(h=4, w=8):
    rgb = torch.full((1, 3, h, w), 0.5)
    rgb[:, :, :, w // 2:] = torch.tensor([1., 0., 0.]).view(1, 3, 1, 1)
    return rgb


def test_attention_mask_on_a_constructed_image():
    """Gray left half (chroma 0), red right half (chroma ~104): only the
    right half is attended."""
    gt_lab = rgb_to_lab(half_gray_half_red())
    loss = CWANLoss(tau=20.)
    att = gt_lab[:, 1:].clone()
    att[:, :, :, :4] += 50.  # errors where the GT is not colourful: ignored
    assert loss.attention_loss(att, gt_lab) == 0
    att = gt_lab[:, 1:].clone()
    att[:, 0, :, 4:] += 6.  # error of 6 on a* of the colourful half
    assert torch.isclose(loss.attention_loss(att, gt_lab), torch.tensor(3.))
    # no colourful pixel: zero, not NaN
    gray = rgb_to_lab(torch.full((1, 3, 4, 4), 0.3))
    assert CWANLoss().attention_loss(torch.randn(1, 2, 4, 4), gray) == 0


def test_terms_and_weights():
    gt_lab = rgb_to_lab(half_gray_half_red())
    light = 2.55 * gt_lab[:, :1] + 1.  # L off by 1 (0-255 scale)
    color = torch.cat([gt_lab[:, 1:] - 2., gt_lab[:, 1:]], 1)
    stage1 = gt_lab[:, 1:] + 4.
    out = CWANLoss(light_weight=2., stage1_weight=0.5)(light, color, stage1,
                                                       gt_lab)
    assert torch.isclose(out['loss_l'], torch.tensor(2.))
    assert torch.isclose(out['loss_ab'], torch.tensor(2.))
    assert out['loss_att'] == 0
    assert torch.isclose(out['loss_stage1'], torch.tensor(2.))
    off = CWANLoss(attention_weight=0.)(light, color, stage1, gt_lab)
    assert set(off) == {'loss_l', 'loss_ab'}
