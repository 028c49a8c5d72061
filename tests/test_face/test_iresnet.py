import pytest
import torch

import mmext  # noqa: F401
from mmext.face.models import IResNet


def count_params(module):
    return sum(p.numel() for p in module.parameters())


def test_shapes_and_outputs():
    model = IResNet(
        depth=18,
        base_channels=8,
        embedding_size=32,
        out_indices=(0, 1, 2, 3, 4))
    model.init_weights()
    outs = model(torch.randn(2, 3, 112, 112))
    assert [tuple(o.shape) for o in outs] == [(2, 8, 56, 56), (2, 16, 28, 28),
                                              (2, 32, 14, 14), (2, 64, 7, 7),
                                              (2, 32)]
    assert not model.features.weight.requires_grad


@pytest.mark.parametrize('depth,units',
                         [(18, (2, 2, 2, 2)), (34, (3, 4, 6, 3)),
                          (50, (3, 4, 14, 3)), (100, (3, 13, 30, 3))])
def test_units_per_stage(depth, units):
    model = IResNet(depth=depth, base_channels=4, embedding_size=8)
    assert tuple(len(stage) for stage in model.stages) == units


def test_ir100_size_matches_arcface_torch():
    # arcface_torch's iresnet100 (512-d, 112x112) has 65.2M parameters; ours
    # also counts the frozen scale of the embedding BN.
    model = IResNet(depth=100)
    assert count_params(model) == pytest.approx(65.16e6, rel=1e-3)


def test_se_variant_and_input_size():
    model = IResNet(
        depth=18,
        with_se=True,
        base_channels=16,
        embedding_size=16,
        input_size=(112, 96))
    assert model.stages[0][0].se is not None
    assert model.fc.in_features == 128 * 7 * 6
    assert model(torch.randn(2, 3, 112, 96))[0].shape == (2, 16)


def test_invalid_arguments():
    with pytest.raises(KeyError, match='depth'):
        IResNet(depth=42)
    with pytest.raises(ValueError, match='out_indices'):
        IResNet(depth=18, out_indices=(5, ))
