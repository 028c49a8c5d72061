"""Auto-FEM: the fixed neck, the supernet and their equivalence."""
import pytest
import torch

from mmext.det.models.necks import (AUTO_FPN_GENOTYPE, CONTEXT_GENOTYPE,
                                    FPN_PRIMITIVES, AutoFEM, AutoFEMSearch,
                                    MixedOp)
from mmext.det.models.necks.auto_fem import expand_fpn_genotype
from mmext.det.models.necks.auto_fem_search import channel_shuffle

IN_CHANNELS = [8, 16, 24, 32]


def backbone_maps(batch=2, height=64, width=48):
    torch.manual_seed(0)
    return [
        torch.randn(batch, c, height // 2**i, width // 2**i)
        for i, c in enumerate(IN_CHANNELS)
    ]


def test_fixed_neck_levels_strides_and_both_shots():
    neck = AutoFEM(IN_CHANNELS, out_channels=16, extra_channels=(8, 12))
    neck.eval()
    x = backbone_maps()
    first = neck.pyramid(x)
    second = neck(x)
    sizes = [(64, 48), (32, 24), (16, 12), (8, 6), (4, 3), (2, 2)]
    assert [tuple(f.shape) for f in first] == [(2, 16) + s for s in sizes]
    assert [tuple(f.shape) for f in second] == [(2, 16) + s for s in sizes]
    assert torch.equal(neck.enhance(first)[3], second[3])
    # the found genotype: sep_conv_3x3 across scales, conv_1x1 on a level
    cell = neck.cells[0]
    assert cell.top_down[0].op[1].kernel_size == (3, 3)
    assert cell.top_down[0].op[1].groups == 16
    assert len(cell.lateral[0].op) == 3  # ReLU, 1x1, BN
    assert len(neck.context) == 6 and neck.context[0].edges == [(0, 1), (0, 2),
                                                                (1, 2), (0, 3),
                                                                (2, 3)]


def test_fusion_weights_are_a_softmax_over_the_present_branches():
    neck = AutoFEM(IN_CHANNELS, out_channels=16, with_context=False)
    cell = neck.cells[0]
    with torch.no_grad():
        cell.fusion_weights.copy_(torch.log(torch.tensor([[1., 9., 3.]] * 6)))
    w = cell.fusion_softmax()
    assert torch.allclose(w[0], torch.tensor([.25, 0., .75]))  # no du
    assert torch.allclose(w[5], torch.tensor([0., .75, .25]))  # no td
    assert torch.allclose(w[2], torch.tensor([1., 9., 3.]) / 13)


def test_top_down_path_is_the_product_fusion_of_the_note():
    """With identity-like edges, td_k = up(td_{k+1}) * f_k by hand."""
    neck = AutoFEM([4, 4], out_channels=4, num_outs=2, with_context=False)
    cell = neck.cells[0]
    f1 = torch.rand(1, 4, 4, 4)
    f2 = torch.rand(1, 4, 2, 2)
    up = torch.nn.functional.interpolate(
        f2, size=(4, 4), mode='bilinear', align_corners=True)
    cell.eval()
    expected = cell.top_down[0](up * f1)
    # recompute through the cell by isolating the td branch
    with torch.no_grad():
        cell.fusion_weights.copy_(
            torch.tensor([[20., 0., -20.], [0., 20., -20.]]))
    conv = cell.out_convs[0]
    out = cell([f1, f2])[0]
    assert torch.allclose(out, conv(expected), atol=1e-5)


def test_genotype_errors_name_the_key():
    with pytest.raises(KeyError, match='fpn_genotype'):
        expand_fpn_genotype(dict(top_down='conv_1x1'), 6)
    with pytest.raises(ValueError, match='fpn_genotype.lateral needs 6'):
        expand_fpn_genotype(
            dict(
                top_down='conv_1x1',
                bottom_up='conv_1x1',
                lateral=['conv_1x1']), 6)
    with pytest.raises(KeyError, match='unknown Auto-FEM operation'):
        AutoFEM(
            IN_CHANNELS,
            16,
            fpn_genotype=dict(
                top_down='max_pool', bottom_up='conv_1x1', lateral='conv_1x1'))


def set_one_hot_architecture(supernet, fpn_genotype, context_genotype):
    """Alphas/betas whose derived architecture is the given genotype."""
    ops = expand_fpn_genotype(fpn_genotype, supernet.num_outs)
    with torch.no_grad():
        for kind, names in ops.items():
            alpha = getattr(supernet, f'arch_{kind}')
            alpha.zero_()
            for i, name in enumerate(names):
                alpha[i, supernet.fpn_primitives.index(name)] = 10.
        supernet.arch_context_ops.zero_()
        supernet.arch_context_edges.fill_(-10.)
        for node, pairs in enumerate(context_genotype, start=1):
            for name, source in pairs:
                e = supernet.context_edges.index((source, node))
                supernet.arch_context_ops[
                    e, supernet.context_primitives.index(name)] = 10.
                supernet.arch_context_edges[e] = 10.


def test_supernet_with_one_hot_architecture_equals_the_fixed_neck():
    supernet = AutoFEMSearch(
        IN_CHANNELS,
        out_channels=16,
        extra_channels=(8, 16),
        num_cells=2,
        partial_channels=1)
    set_one_hot_architecture(supernet, AUTO_FPN_GENOTYPE, CONTEXT_GENOTYPE)
    genotype = supernet.derive_genotype()
    assert genotype['fpn_genotype'] == expand_fpn_genotype(
        AUTO_FPN_GENOTYPE, 6)
    assert genotype['context_genotype'] == [list(p) for p in CONTEXT_GENOTYPE]
    fixed = AutoFEM(**supernet.fixed_kwargs())
    fixed.load_state_dict(supernet.fixed_state_dict(), strict=True)
    # random BN statistics so that the comparison covers them too
    with torch.no_grad():
        for name, buf in supernet.named_buffers():
            if name.endswith('running_mean'):
                buf.uniform_(-.1, .1)
            elif name.endswith('running_var'):
                buf.uniform_(.5, 1.5)
    fixed.load_state_dict(supernet.fixed_state_dict(), strict=True)
    supernet.eval()
    fixed.eval()
    x = backbone_maps(batch=1, height=32, width=24)
    for a, b in zip(supernet(x), fixed(x)):
        assert torch.allclose(a, b, atol=1e-6)


def test_supernet_training_samples_one_op_per_edge_and_gets_arch_grads():
    supernet = AutoFEMSearch(
        IN_CHANNELS, out_channels=16, extra_channels=(8, 16))
    supernet.train()
    arch = supernet.arch_weights()
    for rows in list(arch['fpn'].values()) + [arch['context_ops']]:
        assert torch.equal(rows.sum(-1), torch.ones(rows.shape[0]))
        assert set(rows.detach().unique().tolist()) == {0., 1.}
    # edge normalisation: a softmax over each node's incoming edges
    edges = arch['context_edges']
    assert torch.allclose(edges[0], torch.tensor(1.))
    assert torch.allclose(edges[1:3].sum(), torch.tensor(1.))
    assert torch.allclose(edges[3:6].sum(), torch.tensor(1.))
    x = backbone_maps(batch=2, height=32, width=24)
    sum(o.sum() for o in supernet(x)).backward()
    for name in ('arch_top_down', 'arch_bottom_up', 'arch_lateral',
                 'arch_context_ops', 'arch_context_edges'):
        assert getattr(supernet, name).grad.abs().sum() > 0, name


def test_mixed_op_partial_channels_pass_the_rest_through_shuffled():
    op = MixedOp(
        8, FPN_PRIMITIVES, partial_channels=4, norm_cfg=dict(type='BN'))
    assert op.ops[0].op[1].in_channels == 2  # conv_1x1 on C/K channels
    x = torch.randn(1, 8, 5, 5)
    weights = torch.zeros(len(FPN_PRIMITIVES))
    weights[1] = 1.
    op.eval()
    out = op(x, weights)
    selected = op.ops[1](x[:, :2])
    expected = channel_shuffle(torch.cat([selected, x[:, 2:]], 1), 4)
    assert torch.allclose(out, expected)
    # shuffle of 4 groups of 2: channel order 0, 2, 4, 6, 1, 3, 5, 7 of
    # (selected op on 0-1, x on 2-7)
    assert torch.equal(out[:, 1], x[:, 2])
    assert torch.equal(out[:, 4], selected[:, 1])
    assert torch.equal(out[:, 7], x[:, 7])


def test_hard_gumbel_softmax_one_hot_straight_through():
    from mmext.det.models.necks.auto_fem_search import hard_gumbel_softmax
    torch.manual_seed(0)
    logits = torch.tensor([[0., 2., 1.], [3., 0., 0.]], requires_grad=True)
    # without noise: the argmax, and the gradient of softmax(logits / tau)
    sample = hard_gumbel_softmax(logits, tau=2.0, noise_scale=0.0)
    assert sample.tolist() == [[0., 1., 0.], [1., 0., 0.]]
    weights = torch.tensor([[1., 2., 3.], [0., 0., 1.]])
    (sample * weights).sum().backward()
    expected_grad = torch.autograd.grad(
        ((logits / 2.0).softmax(-1) * weights).sum(), logits)[0]
    assert torch.allclose(logits.grad, expected_grad)
    # with noise every op gets sampled sometimes, the largest most often
    counts = torch.stack([
        hard_gumbel_softmax(torch.tensor([0., 1., 2.]), 1.0).detach()
        for _ in range(2000)
    ]).sum(0)
    expected = torch.tensor([0., 1., 2.]).softmax(0) * 2000
    assert torch.allclose(counts, expected, rtol=0.15)
