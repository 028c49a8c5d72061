"""CWAN's sub-networks: the released parameter counts and the wiring."""
import pytest
import torch

from mmext.enhance.models import CWANColorNet, CWANLightNet, RGBResidualNet


def n_params(module):
    return sum(p.numel() for p in module.parameters())


def test_parameter_counts_of_the_release():
    assert n_params(CWANLightNet()) == 59265
    assert n_params(CWANColorNet()) == 325510
    # the RGB baseline is within 0.1 % of CWAN's 384,775
    assert n_params(RGBResidualNet()) == 384651


def test_any_size_runs_and_shapes():
    light, color = CWANLightNet(), CWANColorNet()
    assert light(torch.rand(2, 1, 13, 7)).shape == (2, 1, 13, 7)
    out = color(torch.randn(2, 2, 9, 11))
    assert out['out'].shape == (2, 4, 9, 11)
    assert out['stage1'].shape == (2, 2, 9, 11)
    with pytest.raises(ValueError, match='1, H, W'):
        light(torch.rand(1, 3, 8, 8))


def _delta(conv, weight, bias):
    """Make a 1 -> 1 conv the pointwise map x -> weight * x + bias."""
    with torch.no_grad():
        conv.weight.zero_()
        k = conv.weight.shape[-1] // 2
        conv.weight[0, 0, k, k] = weight
        conv.bias.fill_(bias)


def test_light_net_skips_by_hand_on_one_channel():
    """Width 1, every conv a pointwise affine map: the skips (pre-ReLU
    outputs, summed before the ReLU) and the global residual by hand, in
    the release's raw parametrisation (``value_range=1``)."""
    net = CWANLightNet(channels=1, value_range=1.)
    params = {
        1: (1., -2.), 3: (2., 1.), 5: (1., -4.), 7: (-1., 3.), 9: (1., 2.),
        11: (2., -9.), 13: (1., 1.), 15: (-1., 2.), 17: (1., -1.),
        19: (0.5, 1.), 21: (2., -3.)
    }
    for i, (w, b) in params.items():
        _delta(getattr(net, f'conv{i}'), w, b)
    x = torch.tensor([[[[0.5, 3.], [-1., 6.]]]])

    def conv(i, v):
        w, b = params[i]
        return w * v + b

    def relu(v):
        return max(v, 0.)

    def by_hand(g):
        c1 = conv(1, g)
        c3 = conv(3, relu(c1))
        c5 = conv(5, relu(c3)) + c3 + c1
        c7 = conv(7, relu(c5))
        c9 = conv(9, relu(c7))
        c11 = conv(11, relu(c9)) + c7 + c9 + c1
        c13 = conv(13, relu(c11))
        c15 = conv(15, relu(c13))
        c17 = conv(17, relu(c15)) + c15 + c13 + c7 + c1
        c19 = conv(19, relu(c17))
        return conv(21, relu(c19)) + g

    expected = torch.tensor([[[[by_hand(v) for v in row]
                               for row in x[0, 0].tolist()]]])
    assert torch.allclose(net(x), expected)


def test_light_net_value_range_is_an_exact_reparametrisation():
    """``value_range=255`` is the release graph with its biases / 255: the
    same weights and biases x 255 in the raw (``value_range=1``) net give
    the same output."""
    torch.manual_seed(0)
    ours = CWANLightNet()
    raw = CWANLightNet(value_range=1.)
    raw.load_state_dict(ours.state_dict())
    with torch.no_grad():
        for name, param in raw.named_parameters():
            if name.endswith('bias'):
                param.mul_(255.)
    gray = torch.rand(2, 1, 9, 7) * 255.
    assert torch.allclose(ours(gray), raw(gray), rtol=1e-4, atol=1e-3)
    with pytest.raises(ValueError, match='value_range'):
        CWANLightNet(value_range=0.)


def _fit_tone_curve(net, iters=100):
    """Adam (lr 1e-3, the quickstart's) on flat 8x8 luma patches in
    [0, 30] with the target 100 + 3 x (0-255 scale): a dark image's
    brightening, which needs an offset. Returns the final L1 on 0, 10, 20,
    30."""
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)
    gen = torch.Generator().manual_seed(0)
    for _ in range(iters):
        x = torch.rand(8, 1, 1, 1, generator=gen).mul(30).expand(8, 1, 8, 8)
        loss = (net(x) - (100. + 3. * x)).abs().mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
    x = torch.tensor([0., 10., 20., 30.]).view(4, 1, 1, 1).expand(4, 1, 8, 8)
    with torch.no_grad():
        return float((net(x) - (100. + 3. * x)).abs().mean())


def test_light_net_learns_an_offset_under_adam():
    """Regression: with the convs on the raw 0-255 scale the biases move
    1e-3 of a grey level per Adam step, so the net could not learn the
    brightening offset (L1 37-148 after 100 steps on seeds 0-4, swinging)
    and the quickstart's lightness loss oscillated; on the [0, 1] scale
    it fits (L1 2.6-7.3)."""
    torch.manual_seed(0)
    assert _fit_tone_curve(CWANLightNet()) < 15.
    torch.manual_seed(0)
    assert _fit_tone_curve(CWANLightNet(value_range=1.)) > 30.


def test_color_net_concatenates_stage1_after_the_input():
    net = CWANColorNet()
    seen = {}

    def keep_input(module, args, out):
        seen['in'] = args[0]

    net.stage2[0].register_forward_hook(keep_input)
    ab = torch.randn(1, 2, 6, 6)
    out = net(ab)
    assert torch.equal(seen['in'][:, :2], ab)
    assert torch.equal(seen['in'][:, 2:], out['stage1'])
