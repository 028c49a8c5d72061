"""FLOPs and latency of TEINet-R50 against mmaction2's TSM-R50, in one run.

    python tools/analysis_tools/benchmark_teinet.py [--batch-sizes 1 8]
        [--num-segments 8] [--size 224] [--repeats 3] [--device cpu]

Both models are built from scratch (no download) with the same head
(TSMHead, 400 classes) and timed on the same random clips
(N x T x 3 x size x size) in inference mode.  FLOPs are counted by
mmengine's analysis tools for one clip (convolutions and linear layers;
element-wise products and sums are not counted).  The paper reports 33
GFLOPs for TEINet-R50 at 8 x 224 x 224, nearly TSM's.
"""
import argparse

import torch
import torch.nn as nn
from mmengine.analysis import get_model_complexity_info
from mmengine.registry import init_default_scope

import mmext.action  # noqa: F401
from mmext.benchmark import (describe_device, forward_latencies, print_table,
                             resolve_device)
from mmaction.registry import MODELS


class Classifier(nn.Module):
    """Backbone + head as one module, clips of shape (N*T, 3, H, W)."""

    def __init__(self, backbone: dict, num_segments: int) -> None:
        super().__init__()
        self.num_segments = num_segments
        self.backbone = MODELS.build(backbone)
        self.head = MODELS.build(
            dict(
                type='TSMHead',
                num_classes=400,
                in_channels=2048,
                num_segments=num_segments,
                spatial_type='avg',
                consensus=dict(type='AvgConsensus', dim=1),
                dropout_ratio=0.5,
                init_std=0.001))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.head(self.backbone(x), num_segs=self.num_segments)


def build_models(num_segments: int) -> dict:
    common = dict(depth=50, num_segments=num_segments, norm_eval=False)
    return {
        'TSM-R50': Classifier(
            dict(type='ResNetTSM', shift_div=8, pretrained2d=False,
                 **common), num_segments),
        'TEINet-R50': Classifier(dict(type='TEINet', **common), num_segments),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 8])
    parser.add_argument('--num-segments', type=int, default=8)
    parser.add_argument('--size', type=int, default=224)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    args = parser.parse_args()

    device = resolve_device(args.device)
    init_default_scope('mmaction')
    torch.manual_seed(0)
    models = {name: m.eval().to(device)
              for name, m in build_models(args.num_segments).items()}
    t, s = args.num_segments, args.size
    print(f'device: {describe_device(device)}; torch {torch.__version__}; '
          f'clips of {t} x 3 x {s} x {s}')

    stats = {}
    for name, model in models.items():
        params = sum(p.numel() for p in model.parameters())
        flops = get_model_complexity_info(
            model, inputs=(torch.randn(t, 3, s, s, device=device), ),
            show_table=False, show_arch=False)['flops']
        stats[name] = dict(params=params, flops=flops)
    for n in args.batch_sizes:
        x = torch.randn(n * t, 3, s, s, device=device)
        # runs alternate (A, B, A, B, ...) after a warm-up, so that a change
        # in machine load affects both models alike
        times = forward_latencies(models, x, args.repeats, device)
        for name, timing in times.items():
            stats[name][f'latency_b{n}'] = timing.median

    header = ['model', 'params (M)', 'GFLOPs/clip'] + [
        f'latency b{n} (s)' for n in args.batch_sizes]
    rows = [[name, f'{v["params"] / 1e6:.2f}', f'{v["flops"] / 1e9:.2f}'] +
            [f'{v[f"latency_b{n}"]:.3f}' for n in args.batch_sizes]
            for name, v in stats.items()]
    tei, tsm = stats['TEINet-R50'], stats['TSM-R50']
    rows.append(['ratio TEINet/TSM', f'{tei["params"] / tsm["params"]:.3f}',
                 f'{tei["flops"] / tsm["flops"]:.3f}'] +
                [f'{tei[f"latency_b{n}"] / tsm[f"latency_b{n}"]:.3f}'
                 for n in args.batch_sizes])
    print_table(header, rows)


if __name__ == '__main__':
    main()
