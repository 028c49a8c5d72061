"""FAN: modules, adversarial loss values, what each stage trains, the
alternation of the discriminator and generator updates, prediction, the
stage hook and the optimizer-wrapper constructor."""
import math
from types import SimpleNamespace

import numpy as np
import pytest
import torch
from mmengine.optim import OptimWrapperDict
from mmpretrain.structures import DataSample

import mmext.face  # noqa: F401
from mmext.face.engine import FANStageHook, SubmoduleOptimWrapperConstructor
from mmext.face.models import (FAN, FANAdversarialLoss, FANDecoder,
                               FANFeatureDiscriminator, FANImageDiscriminator,
                               FANNonIdentityEncoder)

SIZE = 16
EMB = 8


def make_model(**kwargs):
    torch.manual_seed(0)
    cfg = dict(
        backbone=dict(
            type='IResNet',
            depth=18,
            base_channels=2,
            embedding_size=EMB,
            input_size=(SIZE, SIZE)),
        non_identity_encoder=dict(
            type='FANNonIdentityEncoder',
            base_channels=4,
            num_stages=2,
            code_size=4),
        decoder=dict(
            type='FANDecoder',
            identity_size=EMB,
            code_size=4,
            out_size=(SIZE, SIZE),
            base_channels=16,
            num_upsamples=2),
        image_discriminator=dict(
            type='FANImageDiscriminator', base_channels=4, num_layers=2),
        feature_discriminator=dict(
            type='FANFeatureDiscriminator',
            in_channels=EMB,
            hidden_channels=(8, )),
        data_preprocessor=dict(
            mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True))
    cfg.update(kwargs)
    return FAN(**cfg)


def optim_wrappers(model, lr=0.1):
    return SubmoduleOptimWrapperConstructor(
        dict(
            generator=dict(
                modules=['non_identity_encoder', 'decoder', 'lr_backbone'] +
                (['head'] if model.with_head else []),
                optimizer=dict(type='SGD', lr=lr)),
            discriminator=dict(
                modules=['image_discriminator', 'feature_discriminator'],
                optimizer=dict(type='SGD', lr=lr))))(model)


def batch(gt=False, labels=(0, 0, 1, 1), paired=None):
    rng = np.random.RandomState(0)
    inputs, samples = [], []
    for i, label in enumerate(labels):
        img = rng.randint(0, 256, (SIZE, SIZE, 3)).astype(np.uint8)
        sample = DataSample().set_gt_label(label)
        if gt:
            sample.set_field(img, 'gt_img')
            img = (img // 32 * 32).astype(np.uint8)  # a degraded input
        if paired is not None:
            sample.set_metainfo(dict(paired=paired[i]))
        inputs.append(torch.from_numpy(img).permute(2, 0, 1))
        samples.append(sample)
    return dict(inputs=inputs, data_samples=samples)


def snapshot(module):
    return {k: v.clone() for k, v in module.state_dict().items()}


def changed(module, before):
    return any(not torch.equal(v, before[k])
               for k, v in module.state_dict().items())


MODULES = ('backbone', 'lr_backbone', 'non_identity_encoder', 'decoder',
           'image_discriminator', 'feature_discriminator')


def test_adversarial_loss_hand_values():
    logits = torch.tensor([0., math.log(3.)])
    ns = FANAdversarialLoss(loss_weight=2.)
    # real: softplus(-x) = log(1 + e^-x): log 2 and log(4/3)
    assert ns(logits, True).item() == pytest.approx(
        (math.log(2) + math.log(4 / 3)))
    # fake: softplus(x): log 2 and log 4, mean 1.5 log 2, times 2
    assert ns(logits, False).item() == pytest.approx(3 * math.log(2))
    ls = FANAdversarialLoss(mode='lsgan')
    x = torch.tensor([0., 2.])
    assert ls(x, True).item() == pytest.approx(1.)  # (1 + 1) / 2
    assert ls(x, False).item() == pytest.approx(2.)  # (0 + 4) / 2
    with pytest.raises(ValueError, match='mode'):
        FANAdversarialLoss(mode='wgan')


def test_module_shapes_and_ranges():
    x = torch.randn(2, 3, 112, 112)
    code = FANNonIdentityEncoder()(x)
    assert code.shape == (2, 128)
    face = FANDecoder()(torch.randn(2, 512), code)
    assert face.shape == (2, 3, 112, 112)
    assert face.abs().max() <= 1
    assert FANImageDiscriminator()(face).shape == (2, 1, 14, 14)
    assert FANFeatureDiscriminator()(torch.randn(5, 512)).shape == (5, )
    with pytest.raises(ValueError, match='divisible'):
        FANDecoder(out_size=(100, 112))
    with pytest.raises(ValueError, match='num_stages'):
        FANNonIdentityEncoder(num_stages=0)


def test_stage1_step_trains_only_the_normaliser_and_image_discriminator():
    model = make_model()
    model.train()
    assert not model.backbone.training and model.decoder.training
    assert not model.lr_backbone.training
    wrappers = optim_wrappers(model)
    before = {name: snapshot(getattr(model, name)) for name in MODULES}
    log = model.train_step(batch(), wrappers)
    assert {
        'loss', 'loss_pixel', 'loss_identity', 'loss_image_adv', 'loss_swap',
        'loss_image_disc_real', 'loss_image_disc_fake'
    } <= set(log)
    moved = {name for name in MODULES
             if changed(getattr(model, name), before[name])}
    assert moved == {
        'non_identity_encoder', 'decoder', 'image_discriminator'
    }
    # the generator step did not leave gradients on the discriminators
    assert all(p.grad is None for p in model.image_discriminator.parameters())


def test_feature_swap_partners_and_no_swap_without_partner():
    labels = torch.tensor([3, 5, 3, 7])
    assert FAN._same_identity_partner(labels).tolist() == [2, -1, 0, -1]
    model = make_model()
    losses = model.loss(**model.data_preprocessor(
        batch(labels=(0, 1, 2, 3)), True))
    assert 'loss_swap' not in losses


def test_stage2_step_copies_the_recogniser_and_trains_the_lr_encoder():
    model = make_model(loss_weights=dict(normalized_pixel=1.))
    model.set_stage(2)
    assert int(model.stage) == 2 and bool(model.lr_initialized)
    for k, v in model.backbone.state_dict().items():
        assert torch.equal(v, model.lr_backbone.state_dict()[k]), k
    model.train()
    assert model.lr_backbone.training and not model.decoder.training
    wrappers = optim_wrappers(model)
    before = {name: snapshot(getattr(model, name)) for name in MODULES}
    log = model.train_step(batch(gt=True), wrappers)
    assert {
        'loss_feature', 'loss_feature_adv', 'loss_normalized_pixel',
        'loss_feature_disc_real', 'loss_feature_disc_fake'
    } <= set(log)
    moved = {name for name in MODULES
             if changed(getattr(model, name), before[name])}
    assert moved == {'lr_backbone', 'feature_discriminator'}
    # a second switch to stage 2 does not copy the recogniser again
    model.set_stage(2)
    assert changed(model.lr_backbone, snapshot(model.backbone))


def test_stage2_targets_are_the_hr_faces_and_unpaired_samples_skip_l2():
    model = make_model()
    model.set_stage(2)
    data = model.data_preprocessor(batch(gt=True), True)
    hr = model._gt_images(data['inputs'], data['data_samples'])
    assert not torch.equal(hr, data['inputs'])
    # gt_img normalised like the inputs: BGR -> RGB, (x - 127.5) / 127.5
    gt = data['data_samples'][0].gt_img
    expected = (torch.from_numpy(gt[..., ::-1].copy()).permute(2, 0, 1) -
                127.5) / 127.5
    torch.testing.assert_close(hr[0], expected.float())
    unpaired = model.data_preprocessor(
        batch(gt=True, paired=[False] * 4), True)
    losses = model.loss(unpaired['inputs'], unpaired['data_samples'])
    assert 'loss_feature' not in losses and 'loss_feature_adv' in losses
    half = model.data_preprocessor(
        batch(gt=True, paired=[True, False, True, False]), True)
    f_lr = model.lr_backbone(half['inputs'])[-1]
    f_hr = model.backbone(
        model._gt_images(half['inputs'], half['data_samples']))[-1]
    expected = (f_lr[[0, 2]] - f_hr[[0, 2]]).pow(2).mean()
    losses = model.loss(half['inputs'], half['data_samples'])
    torch.testing.assert_close(losses['loss_feature'], expected)


def test_classification_head_on_lr_features():
    model = make_model(
        head=dict(type='CurricularFaceHead', num_classes=2, in_channels=EMB),
        loss_weights=dict(classification=0.5))
    model.set_stage(2)
    assert model.head.norm_product.weight.requires_grad
    data = model.data_preprocessor(batch(gt=True), True)
    losses = model.loss(data['inputs'], data['data_samples'])
    assert losses['loss_cls'] > 0
    with pytest.raises(KeyError, match='unknown loss_weights'):
        make_model(loss_weights=dict(pixels=1.))


def test_predict_uses_the_lr_encoder_once_initialised():
    model = make_model(test_cfg=dict(with_image=True))
    model.eval()
    data = model.data_preprocessor(batch(), False)
    out = model.predict(data['inputs'])
    emb = torch.nn.functional.normalize(model.backbone(data['inputs'])[-1])
    torch.testing.assert_close(torch.stack([s.pred_feat for s in out]), emb)
    img = out[0].pred_img
    assert img.shape == (3, SIZE, SIZE) and 0 <= img.min() <= img.max() <= 255
    model.set_stage(2)
    with torch.no_grad():
        for p in model.lr_backbone.parameters():
            p.add_(0.1)
    out = model.predict(data['inputs'])
    emb = torch.nn.functional.normalize(model.lr_backbone(data['inputs'])[-1])
    torch.testing.assert_close(torch.stack([s.pred_feat for s in out]), emb)


def test_train_step_needs_both_optim_wrappers():
    model = make_model()
    wrappers = optim_wrappers(model)
    with pytest.raises(TypeError, match='generator'):
        model.train_step(batch(), wrappers['generator'])
    with pytest.raises(TypeError, match='discriminator'):
        model.train_step(
            batch(), OptimWrapperDict(generator=wrappers['generator']))
    # a module of stage 2 left out of the optimizers is named there
    partial = SubmoduleOptimWrapperConstructor(
        dict(
            generator=dict(
                modules=['non_identity_encoder', 'decoder'],
                optimizer=dict(type='SGD', lr=0.1)),
            discriminator=dict(
                modules=['image_discriminator', 'feature_discriminator'],
                optimizer=dict(type='SGD', lr=0.1))))(model)
    model.train_step(batch(), partial)
    # the groups hold their frozen parameters too (trained in later stages)
    held = {id(p) for g in wrappers['generator'].optimizer.param_groups
            for p in g['params']}
    assert all(id(p) in held for p in model.lr_backbone.parameters())
    assert not any(p.requires_grad for p in model.lr_backbone.parameters())
    model.set_stage(2)
    with pytest.raises(ValueError, match="stage 2 trains 'lr_backbone'"):
        model.train_step(batch(gt=True), partial)


def test_stage_hook():
    model = make_model()
    runner = SimpleNamespace(
        model=model, epoch=0, logger=SimpleNamespace(info=lambda msg: None))
    hook = FANStageHook(stage_epochs=(0, 2))
    for epoch, stage in ((0, 1), (1, 1), (2, 2), (3, 2)):
        runner.epoch = epoch
        hook.before_train_epoch(runner)
        assert int(model.stage) == stage
    assert [FANStageHook((1, 3)).stage_of(e) for e in range(5)] == [
        0, 1, 1, 2, 2
    ]
    for bad in ((-1, 2), (3, 2), (1, )):
        with pytest.raises(ValueError, match='stage_epochs'):
            FANStageHook(stage_epochs=bad)
    with pytest.raises(ValueError, match='stage 0 trains the recogniser'):
        model.set_stage(0)


def test_stage0_trains_the_recogniser_only():
    model = make_model(
        head=dict(type='CurricularFaceHead', num_classes=2, in_channels=EMB))
    model.set_stage(0)
    model.train()
    assert model.backbone.training and not model.decoder.training
    wrappers = SubmoduleOptimWrapperConstructor(
        dict(
            generator=dict(
                modules=[
                    'backbone', 'non_identity_encoder', 'decoder',
                    'lr_backbone', 'head'
                ],
                optimizer=dict(type='SGD', lr=0.1)),
            discriminator=dict(
                modules=['image_discriminator', 'feature_discriminator'],
                optimizer=dict(type='SGD', lr=0.1))))(model)
    before = {name: snapshot(getattr(model, name)) for name in MODULES}
    log = model.train_step(batch(), wrappers)
    assert set(log) == {'loss', 'loss_cls'}
    moved = {name for name in MODULES
             if changed(getattr(model, name), before[name])}
    assert moved == {'backbone'}


def test_constructor_errors():
    model = make_model()
    with pytest.raises(KeyError, match="no submodule 'generator'"):
        SubmoduleOptimWrapperConstructor(
            dict(g=dict(modules=['generator'],
                        optimizer=dict(type='SGD', lr=1.))))(model)
    with pytest.raises(ValueError, match="'decoder' is in groups"):
        SubmoduleOptimWrapperConstructor(
            dict(
                a=dict(modules=['decoder'], optimizer=dict(type='SGD',
                                                           lr=1.)),
                b=dict(modules=['decoder'], optimizer=dict(type='SGD',
                                                           lr=1.))))(model)
    with pytest.raises(ValueError, match='in no group'):
        SubmoduleOptimWrapperConstructor(
            dict(g=dict(modules=['decoder'],
                        optimizer=dict(type='SGD', lr=1.))))(model)
    with pytest.raises(KeyError, match='"modules"'):
        SubmoduleOptimWrapperConstructor(
            dict(g=dict(optimizer=dict(type='SGD', lr=1.))))
