import pytest
import torch
import torch.nn.functional as F

import mmext  # noqa: F401
from mmext.face.models import FaceRecognizer
from mmpretrain.structures import DataSample


def build(**test_cfg):
    torch.manual_seed(0)
    model = FaceRecognizer(
        backbone=dict(
            type='IResNet', depth=18, base_channels=4, embedding_size=16),
        head=dict(type='CurricularFaceHead', num_classes=5, in_channels=16),
        test_cfg=test_cfg,
        data_preprocessor=dict(mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True))
    model.init_weights()
    return model.eval()


def test_predict_stores_normalised_embedding():
    model = build()
    inputs = torch.randn(3, 3, 112, 112)
    samples = model(inputs, [DataSample() for _ in range(3)], mode='predict')
    feats = torch.stack([s.pred_feat for s in samples])
    assert feats.shape == (3, 16)
    torch.testing.assert_close(feats.norm(dim=1), torch.ones(3))
    assert 'pred_score' not in samples[0]
    raw = model.backbone(inputs)[-1]
    torch.testing.assert_close(feats, F.normalize(raw))


def test_flip_sum_and_raw_norm():
    model = build(flip=True, normalize=False)
    inputs = torch.randn(2, 3, 112, 112)
    samples = model.predict(inputs)
    expected = model.backbone(inputs)[-1] + model.backbone(inputs.flip(3))[-1]
    torch.testing.assert_close(
        torch.stack([s.pred_feat for s in samples]), expected)


def test_training_loss_through_head():
    model = build().train()
    samples = [DataSample().set_gt_label(i) for i in range(4)]
    losses = model(torch.randn(4, 3, 112, 112), samples, mode='loss')
    assert losses['loss'].requires_grad
    assert model.head.t.item() != 0


def test_unknown_test_cfg():
    with pytest.raises(KeyError, match='flip_test'):
        build(flip_test=True)
