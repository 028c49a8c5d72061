"""PWC-Lite: the official parameter counts and the decoder's structure."""
import pytest
import torch

from mmext.flow.models import PWCLite


def count(model):
    return sum(p.numel() for p in model.parameters())


def test_official_parameter_counts():
    assert count(PWCLite()) == 2236660
    assert count(PWCLite(num_frames=3)) == 2371444


def test_shared_decoder_shapes():
    model = PWCLite()
    # one estimator and one context network: 81 + 32 + 2 input channels
    assert model.flow_estimator.conv1[0].in_channels == 115
    assert model.context_network[0][0].in_channels == 34
    assert [m[0].in_channels for m in model.conv_1x1] == [192, 128, 96, 64, 32]


def small():
    return PWCLite(
        pyramid_channels=(3, 4, 4, 8, 8, 8, 8),
        reduced_channels=4,
        estimator_channels=(8, 8, 8, 8, 4),
        context_channels=(8, 8, 8, 8, 8, 4))


def test_outputs_full_resolution_first():
    torch.manual_seed(0)
    model = small()
    out = model(torch.rand(2, 2, 3, 64, 128), with_bk=True)
    assert [tuple(f.shape[-2:]) for f in out['flows_fw']] == [(64, 128),
                                                              (32, 64),
                                                              (16, 32),
                                                              (8, 16), (4, 8)]
    assert len(out['flows_bw']) == 5


def test_backward_flow_is_the_decoder_on_swapped_frames():
    torch.manual_seed(0)
    model = small().eval()
    imgs = torch.rand(1, 2, 3, 64, 64)
    bw = model(imgs, with_bk=True)['flows_bw'][0]
    swapped = model(imgs.flip(1))['flows_fw'][0]
    torch.testing.assert_close(bw, swapped)


def test_three_frame_variant():
    torch.manual_seed(0)
    model = PWCLite(
        pyramid_channels=(3, 4, 4, 8, 8, 8, 8),
        reduced_channels=4,
        estimator_channels=(8, 8, 8, 8, 4),
        context_channels=(8, 8, 8, 8, 8, 4),
        num_frames=3).eval()
    imgs = torch.rand(1, 3, 3, 64, 64)
    out = model(imgs)
    # reversing time swaps the roles of the two flows
    rev = model(imgs.flip(1))
    torch.testing.assert_close(out['flows_fw'][0], rev['flows_bw'][0])


def test_rejects_bad_sizes():
    with pytest.raises(ValueError, match='multiple of 64'):
        small()(torch.rand(1, 2, 3, 60, 64))
    with pytest.raises(ValueError, match=r'\(B, 2, 3, H, W\)'):
        small()(torch.rand(1, 3, 3, 64, 64))
