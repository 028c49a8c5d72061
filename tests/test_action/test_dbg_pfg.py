"""DBG's proposal feature generation layer (PFG)."""
import math

import pytest
import torch

from mmext.action.models.localizers import (ProposalFeatureGeneration,
                                            pfg_sampling_points)

X = torch.tensor([10., 20., 40., 80.]).view(1, 1, 4)


def linspace(first, last, num):
    return [first + t * (last - first) / (num - 1) for t in range(num)]


def interpolate(values, point):
    """The official kernel's rule: floor, then clip both indices."""
    left = math.floor(point)
    clip = lambda i: min(max(i, 0), len(values) - 1)  # noqa: E731
    return ((left + 1 - point) * values[clip(left)] +
            (point - left) * values[clip(left + 1)])


def test_interior_proposal_by_hand():
    out = ProposalFeatureGeneration(4)(X)[0, 0]
    assert out.shape == (32, 4, 4)
    # Proposal (start 1, end 2): L = 2, starting region [0.6, 1.4], action
    # region [1, 2], ending region [1.6, 2.4].
    sampled = out[:, 1, 2]
    assert sampled[0].item() == pytest.approx(0.4 * 10 + 0.6 * 20)  # 0.6
    assert sampled[7].item() == pytest.approx(0.6 * 20 + 0.4 * 40)  # 1.4
    assert sampled[8].item() == pytest.approx(20)  # 1.0
    assert sampled[9].item() == pytest.approx(20 + 20 / 15)  # 1 + 1/15
    assert sampled[23].item() == pytest.approx(40)  # 2.0
    assert sampled[24].item() == pytest.approx(0.4 * 20 + 0.6 * 40)  # 1.6
    assert sampled[31].item() == pytest.approx(0.6 * 40 + 0.4 * 80)  # 2.4


def test_edges_repeat_the_edge_value():
    out = ProposalFeatureGeneration(4)(X)[0, 0]
    # (0, 0): starting region [-0.2, 0.2]; points below 0 take x[0].
    first = out[:8, 0, 0]
    expected = [
        interpolate([10, 20, 40, 80], p) for p in linspace(-0.2, 0.2, 8)
    ]
    assert first.tolist() == pytest.approx(expected)
    assert first[:4].tolist() == pytest.approx([10.] * 4)
    assert first[7].item() == pytest.approx(0.8 * 10 + 0.2 * 20)
    # (3, 3): ending region [2.8, 3.2]; points above 3 take x[3].
    last = out[24:, 3, 3]
    assert last[0].item() == pytest.approx(0.2 * 40 + 0.8 * 80)
    assert last[4:].tolist() == pytest.approx([80.] * 4)


def test_lower_triangle_is_zero():
    out = ProposalFeatureGeneration(4)(torch.randn(2, 3, 4))
    lower = torch.ones(4, 4, dtype=torch.bool).tril(-1)
    assert (out[..., lower] == 0).all()
    assert (out[..., ~lower] != 0).any()


def test_matches_the_kernel_rule_everywhere():
    tscale = 7
    values = torch.randn(tscale, dtype=torch.float64)
    out = ProposalFeatureGeneration(tscale)(values.view(1, 1, -1))[0, 0]
    for start in range(tscale):
        for end in range(start, tscale):
            length = end - start + 1
            points = (
                linspace(start - length / 5, start + length / 5, 8) +
                linspace(start, end, 16) +
                linspace(end - length / 5, end + length / 5, 8))
            expected = [interpolate(values.tolist(), p) for p in points]
            assert out[:, start, end].tolist() == pytest.approx(
                expected, abs=1e-6)


def test_sampling_points_and_custom_counts():
    index, weight = pfg_sampling_points(5, 2, 3, 2)
    assert index.shape == weight.shape == (2, 7, 5, 5)
    assert index.min() >= 0 and index.max() <= 4
    upper = torch.ones(5, 5, dtype=torch.bool).triu()
    assert torch.allclose(weight.sum(0)[:, upper], torch.ones(()))
    assert (weight[:, :, ~upper] == 0).all()
    out = ProposalFeatureGeneration(5, 2, 3, 2)(torch.randn(1, 2, 5))
    assert out.shape == (1, 2, 7, 5, 5)
    with pytest.raises(ValueError, match='at least 2'):
        pfg_sampling_points(5, 1, 16, 8)


def test_parameter_free_and_backward_is_the_transpose():
    pfg = ProposalFeatureGeneration(6)
    assert list(pfg.parameters()) == []
    assert pfg.state_dict() == {}  # a fixed map, not saved in checkpoints
    x = torch.randn(2, 3, 6, dtype=torch.float64, requires_grad=True)
    upstream = torch.randn(2, 3, 32, 6, 6, dtype=torch.float64)
    (grad, ) = torch.autograd.grad(pfg(x), x, upstream)
    # d<pfg(x), g>/dx[t] = sum of g over the sample points reading x[t],
    # weighted by their interpolation weights.
    index, weight = pfg_sampling_points(6)
    expected = torch.zeros_like(x)
    for side in range(2):
        expected.index_add_(2, index[side].flatten(),
                            (upstream * weight[side]).flatten(2))
    assert torch.allclose(grad, expected)
    assert torch.autograd.gradcheck(pfg, (x, ), fast_mode=True)


def test_bad_input_shape():
    with pytest.raises(ValueError, match=r'\(B, C, 4\)'):
        ProposalFeatureGeneration(4)(torch.randn(1, 3, 5))
