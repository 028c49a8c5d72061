"""The CWAN model: modes, the CWAN.m composition, the RGB baseline."""
import numpy as np
import pytest
import torch
from mmengine.structures import BaseDataElement

from mmext.registry import MODELS


def srgb_of_lightness(lightness):
    """sRGB value of a neutral gray of CIE lightness L* (by hand)."""
    fy = (lightness + 16.) / 116.
    y = fy**3 if fy > 0.2068966 else (fy - 16. / 116.) / 7.787
    return 1.055 * y**(1 / 2.4) - 0.055 if y > 0.0031308 else 12.92 * y


def zeroed_cwan():
    """CWAN whose networks output ``gray`` (L) and 0 (ab)."""
    model = MODELS.build(dict(type='CWAN'))
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
    return model


def test_pipeline_on_a_constant_image():
    """Identity lightness net, zero colour net: a constant gray v gives the
    gray of L* = 100 v (luma x 255 read x 100 / 255 as L*)."""
    model = zeroed_cwan().eval()
    value = 128
    data = model.data_preprocessor(
        dict(inputs=[torch.full((3, 5, 7), value, dtype=torch.uint8)]))
    with torch.no_grad():
        out = model(**data, mode='tensor')
        pred = model(**data, mode='predict')[0].pred_img
    expected = srgb_of_lightness(100. * value / 255.)
    assert torch.allclose(out, torch.full_like(out, expected), atol=1e-5)
    assert pred.dtype == torch.uint8 and pred.shape == (3, 5, 7)
    assert (pred == round(255 * expected)).all()


def test_loss_and_predict_modes():
    model = MODELS.build(dict(type='CWAN'))
    imgs = [torch.randint(0, 40, (3, 12, 12), dtype=torch.uint8)] * 2
    samples = [
        BaseDataElement(gt_img=torch.randint(0, 255, (3, 12, 12),
                                             dtype=torch.uint8))
        for _ in range(2)
    ]
    data = model.data_preprocessor(dict(inputs=imgs, data_samples=samples))
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_l', 'loss_ab', 'loss_att'}
    sum(losses.values()).backward()
    assert model.light_net.conv1.weight.grad.abs().sum() > 0
    assert model.color_net.stage2[-1].weight.grad.abs().sum() > 0
    out = model(**data, mode='predict')
    assert all('pred_img' in s and 'gt_img' in s for s in out)
    with pytest.raises(ValueError, match='invalid mode'):
        model(**data, mode='nope')


def test_no_attention_ablation_has_no_attention_term():
    model = MODELS.build(
        dict(type='CWAN', loss=dict(type='CWANLoss', attention_weight=0.)))
    x = torch.rand(1, 3, 8, 8)
    sample = BaseDataElement(
        gt_img=torch.randint(0, 255, (3, 8, 8), dtype=torch.uint8))
    assert set(model(x, [sample], mode='loss')) == {'loss_l', 'loss_ab'}


def test_rgb_baseline_model():
    model = MODELS.build(
        dict(
            type='BaseEditModel',
            generator=dict(type='RGBResidualNet'),
            pixel_loss=dict(type='L1Loss')))
    x = torch.rand(2, 3, 8, 8)
    samples = [
        BaseDataElement(gt_img=(x[i] * 255).round().byte()) for i in range(2)
    ]
    with torch.no_grad():
        for p in model.generator.parameters():
            p.zero_()
    # an all-zero residual is the identity: zero loss against the input
    assert model(x, samples, mode='loss')['loss'] <= 0.5 / 255  # rounding
    pred = model(x, mode='predict')
    assert np.array_equal(pred[0].pred_img.numpy(),
                          (x[0] * 255).round().byte().numpy())
