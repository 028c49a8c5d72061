"""PWC-Lite learns flow: supervised, it overfits a few textured pairs.

A guard against a network that cannot leave the constant-flow solution,
e.g. one whose untrained output does not depend on its input: trained
with the end-point error on every level the ARFlow loss uses, the
official architecture at reduced width must reach at most half of zero
flow's EPE on eight 64x64 pairs of the quickstart data, each with its own
motion (four scenes and their mirror images, so no constant flow comes
close: its best EPE is ~0.95 of zero flow's).

The weights get the Kaiming-normal initialisation that the official
``PWCLite.init_weights`` intends (and, by a bug, never applies).  With
PyTorch's default initialisation, what the official model actually gets,
the untrained network's output does not depend on its input (cost volume
~1e-4) and this run stays at the best constant flow.
"""
import numpy as np
import torch

from mmext.flow.datasets.arflow_quickstart_data import render_scene
from mmext.flow.models import PWCLite
from mmext.flow.models.utils import resize_flow


def textured_pairs(scenes=(0, 1, 2, 3)):
    """The first pair of each scene, cropped to 64x64, and its mirror.

    Returns:
        tuple: (2N, 2, 3, 64, 64) frame pairs and (2N, 2, 64, 64) flows.
    """
    imgs, flows = [], []
    for s in scenes:
        scene = render_scene(s)
        imgs.append(scene['frames'][:2, :, :64])
        flows.append(scene['flows'][0, :, :64])
    imgs = torch.from_numpy(np.stack(imgs)).permute(0, 1, 4, 2, 3).float()
    flows = torch.from_numpy(np.stack(flows)).permute(0, 3, 1, 2)
    mirrored = flows.flip(-1) * flows.new_tensor([-1., 1.]).view(1, 2, 1, 1)
    return torch.cat([imgs, imgs.flip(-1)]), torch.cat([flows, mirrored])


def epe(pred, gt):
    return (pred - gt).norm(dim=1).mean()


def test_supervised_pwclite_overfits_textured_pairs():
    torch.manual_seed(0)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        imgs, flows = textured_pairs()
        net = PWCLite(
            pyramid_channels=(3, 8, 16, 24, 32, 48, 64),
            reduced_channels=16,
            estimator_channels=(32, 32, 24, 16, 8),
            context_channels=(32, 32, 32, 24, 16, 8),
            init_cfg=dict(
                type='Kaiming',
                layer='Conv2d',
                mode='fan_in',
                nonlinearity='leaky_relu',
                a=0,
                distribution='normal'))
        net.init_weights()
        opt = torch.optim.Adam(net.parameters(), lr=1e-3)
        zero = float(flows.norm(dim=1).mean())
        best_constant = float(
            (flows - flows.mean((0, 2, 3), keepdim=True)).norm(dim=1).mean())
        assert zero > 4 and best_constant > 0.9 * zero
        for _ in range(90):
            idx = torch.randperm(len(imgs))[:4]
            out = net(imgs[idx])['flows_fw']
            loss = sum(
                epe(f, resize_flow(flows[idx], f.shape[-2:]))
                for f in out[:4])
            opt.zero_grad()
            loss.backward()
            opt.step()
        with torch.no_grad():
            final = float(epe(net(imgs)['flows_fw'][0], flows))
    finally:
        torch.set_num_threads(threads)
    assert final <= zero / 2, (final, zero)
