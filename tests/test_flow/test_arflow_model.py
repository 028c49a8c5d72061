"""The ARFlow estimator: losses of both passes, prediction, stage hook."""
from types import SimpleNamespace

import pytest
import torch

from mmext.flow.engine import UnFlowLossStageHook
from mmext.registry import MODELS

NET = dict(
    type='PWCLite',
    pyramid_channels=(3, 4, 4, 8, 8, 8, 8),
    reduced_channels=4,
    estimator_channels=(8, 8, 8, 8, 4),
    context_channels=(8, 8, 8, 8, 8, 4))


def build(**kwargs):
    cfg = dict(type='ARFlow', flow_net=NET, loss=dict(type='UnFlowLoss'))
    cfg.update(kwargs)
    return MODELS.build(cfg)


def batch(n=2, h=64, w=64, ph=False):
    g = torch.Generator().manual_seed(0)
    inputs = dict(imgs=[
        torch.randint(0, 255, (2, 3, h, w), generator=g, dtype=torch.uint8)
        for _ in range(n)
    ])
    if ph:
        inputs['imgs_ph'] = [
            torch.randint(
                0, 255, (2, 3, h, w), generator=g, dtype=torch.uint8)
            for _ in range(n)
        ]
    return dict(inputs=inputs, data_samples=None)


def test_no_ar_baseline_has_the_unsupervised_terms_only():
    torch.manual_seed(0)
    model = build()
    data = model.data_preprocessor(batch(), True)
    assert data['inputs']['imgs'].shape == (2, 2, 3, 64, 64)
    assert data['inputs']['imgs'].max() <= 1
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_photo', 'loss_smooth'}


def test_ar_second_pass_gets_gradients_and_teacher_none():
    torch.manual_seed(0)
    model = build(
        ar_loss=dict(type='ARLoss', loss_weight=1.),
        spatial_transform=dict(type='ARSpatialTransform'))
    data = model.data_preprocessor(batch(ph=True), True)
    losses = model(**data, mode='loss')
    assert set(losses) == {'loss_photo', 'loss_smooth', 'loss_ar'}
    model.zero_grad()
    losses['loss_ar'].backward()
    grads = [p.grad for p in model.parameters() if p.grad is not None]
    assert grads and any(g.abs().sum() > 0 for g in grads)


def test_ar_loss_vanishes_for_an_equivariant_prediction():
    """If the second pass returns exactly the transformed teacher, L_ar = 0:
    with an identity ST and no appearance change the second pass sees the
    same pair, so a deterministic network reproduces its teacher."""
    torch.manual_seed(0)
    model = build(
        ar_loss=dict(type='ARLoss'),
        spatial_transform=dict(
            type='ARSpatialTransform',
            translate=(0., 0.),
            zoom=(1., 1., 1., 1.),
            squeeze=(1., 1., 1., 1.),
            rotate=(0., 0., 0., 0.),
            hflip=False,
            vflip=False,
            noise_std=None))
    data = model.data_preprocessor(batch(), True)
    assert float(model(**data, mode='loss')['loss_ar'].detach()) < 1e-6


def test_predict_resizes_to_the_network_stride_and_back():
    torch.manual_seed(0)
    model = build().eval()
    data = model.data_preprocessor(batch(n=1, h=40, w=72))
    with torch.no_grad():
        out = model(**data, mode='predict')
    assert out[0].pred_flow_fw.shape == (2, 40, 72)
    model = build(test_size=(64, 128)).eval()
    with torch.no_grad():
        out = model(**data, mode='predict')
    assert out[0].pred_flow_fw.shape == (2, 40, 72)
    with pytest.raises(ValueError, match='invalid mode'):
        model(**data, mode='train')


def test_transforms_without_ar_loss_are_rejected():
    with pytest.raises(ValueError, match='need ar_loss'):
        build(spatial_transform=dict(type='ARSpatialTransform'))


def test_fully_occluded_photometric_loss_raises():
    model = build(loss=dict(type='UnFlowLoss', occ_from_back=False))
    flows = [
        torch.full((1, 2, 64 // 2**i, 64 // 2**i), 100.) for i in range(5)
    ]
    img = torch.rand(1, 3, 64, 64)
    with pytest.raises(RuntimeError, match='every pixel is occluded'):
        model.loss_module(flows, flows, img, img)


def test_stage_hook_switches_the_loss_at_the_iteration():
    model = build()
    logs = []
    runner = SimpleNamespace(
        model=model, iter=9, logger=SimpleNamespace(info=logs.append))
    hook = UnFlowLossStageHook(switch_iter=10)
    hook.before_train_iter(runner, 0)
    assert model.loss_module.occ_from_back and model.loss_module.w_ssim
    runner.iter = 10
    hook.before_train_iter(runner, 0)
    loss = model.loss_module
    assert (loss.occ_from_back, loss.w_l1, loss.w_ssim,
            loss.w_ternary) == (False, 0., 0., 1.)
    assert len(logs) == 1
    runner.iter = 11
    hook.before_train_iter(runner, 0)
    assert len(logs) == 1
    with pytest.raises(AttributeError, match='no setting "w_foo"'):
        UnFlowLossStageHook(0, dict(w_foo=1)).before_train_iter(runner, 0)


def test_occlusion_transform_adds_a_third_pass_loss():
    torch.manual_seed(0)
    model = build(
        ar_loss=dict(type='ARLoss'),
        spatial_transform=dict(type='ARSpatialTransform'),
        occlusion_transform=dict(
            type='AROcclusionTransform', crop_size=None, num_segments=16))
    losses = model(
        **model.data_preprocessor(batch(ph=True), True), mode='loss')
    assert set(losses) == {'loss_photo', 'loss_smooth', 'loss_ar', 'loss_ot'}
    assert float(losses['loss_ot'].detach()) > 0
