"""UnFlowLoss leads a free flow field from zero to the true flow.

The quickstart-data counterpart of ``test_pwclite_learns.py``: there the
network is checked under supervision, here the unsupervised loss without
a network.  Per pair, one free flow field per PWC-Lite decoder level
(1/64 .. 1/4, in that level's pixels) is accumulated coarse to fine as the
decoder does (upsample x2, add the level's residual), every level is
upsampled x4 to the outputs ARFlow trains on, and the fields are optimised
with ``UnFlowLoss``'s defaults (range-map occlusion, 0.15 L1 + 0.85 SSIM on
the first four outputs, first-order smoothness).  If the warping
convention, the per-level flow scaling, the occlusion mask or the loss
weighting were wrong, the minimum would not be the rendered flow.
"""
import numpy as np
import torch
import torch.nn.functional as F

from mmext.flow.datasets.arflow_quickstart_data import render_scene
from mmext.flow.models.losses import UnFlowLoss

LEVEL_SIZES = [(1, 2), (2, 4), (4, 8), (8, 16), (16, 32)]


def accumulate(residuals):
    """Coarse-to-fine sums of the level residuals, finest output first,
    each upsampled x4 (values x4) as PWC-Lite's outputs."""
    flows, flow = [], None
    for res in residuals:
        flow = res if flow is None else F.interpolate(
            2 * flow, size=res.shape[-2:], mode='bilinear',
            align_corners=True) + res
        flows.append(
            F.interpolate(
                4 * flow, scale_factor=4, mode='bilinear',
                align_corners=True))
    return flows[::-1]


def test_unflow_loss_minimum_is_the_rendered_flow():
    torch.manual_seed(0)
    scenes = [render_scene(s) for s in (0, 7, 14, 21)]
    imgs = torch.from_numpy(np.stack([s['frames'][:2] for s in scenes
                                      ])).permute(0, 1, 4, 2, 3).float()
    gt = torch.from_numpy(np.stack([s['flows'][0] for s in scenes
                                    ])).permute(0, 3, 1, 2)
    params = [
        torch.zeros(len(scenes), 2, *size, requires_grad=True)
        for _ in range(2) for size in LEVEL_SIZES
    ]
    fw, bw = params[:len(LEVEL_SIZES)], params[len(LEVEL_SIZES):]
    loss_fn = UnFlowLoss()
    opt = torch.optim.Adam(params, lr=0.05)
    for _ in range(60):
        losses = loss_fn(accumulate(fw), accumulate(bw), imgs[:, 0], imgs[:,
                                                                          1])
        opt.zero_grad()
        (losses['loss_photo'] + losses['loss_smooth']).backward()
        opt.step()
    with torch.no_grad():
        epe = float((accumulate(fw)[0] - gt).norm(dim=1).mean())
    zero = float(gt.norm(dim=1).mean())
    assert zero > 4
    assert epe < 0.3 * zero, (epe, zero)
