"""Time DBG's inference against mmaction2's BMN, per video, in one run.

    python tools/analysis_tools/benchmark_dbg.py [--batch-size 4]
        [--repeats 3] [--threads 2] [--device cpu]

Both models are built from their ActivityNet configs (T = 100, 400-d
features, paper widths) with their initial weights and fed the same random
features.  Four stages are timed, each per video (a batch's time divided by
its size), and reported with the ratio DBG / BMN:

- feature layer: DBG's proposal feature generation (PFG) vs BMN's
  boundary-matching layer on the same 256-channel feature (BMN's), both
  sampling 32 points for every proposal (DBG's own PFG input, the fused
  DSB feature, has 128 channels);
- forward: the whole network;
- post-processing: ``predict`` after the forward (the forward is replayed
  from a cache): DBG scores all 5050 start <= end proposals and runs its
  batched soft-NMS; BMN selects boundary peaks and runs mmaction2's
  ``post_processing`` (Python soft-NMS);
- inference: forward + post-processing, i.e. ``predict``.

Within a stage the runs of the models alternate after a warm-up
(:func:`mmext.benchmark.time_interleaved`), the median of ``--repeats``.

BMN's ``predict`` reads batch item 0 only, so BMN runs with batch size 1;
DBG runs with ``--batch-size`` (and batch size 1, for the same-batch
comparison).  With untrained weights BMN's boundary scores are flat and it
keeps many peaks; a trained BMN keeps fewer, so its post-processing time
here is an upper bound.
"""
import argparse
import logging
import os.path as osp
from typing import Callable, Dict, List, Tuple

import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.hub import get_config
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

import mmext.action  # noqa: F401  registers DBG; compat shims for mmaction
from mmext.benchmark import describe_device, resolve_device, time_interleaved

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
DBG_CONFIG = osp.join(ROOT, 'configs', 'dbg',
                      'dbg_400x100_1xb16-12e_activitynet-feature.py')
BMN_CONFIG = 'mmaction::localization/bmn/bmn_2xb8-400x100-9e_activitynet-' \
    'feature.py'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--batch-size',
        type=int,
        default=4,
        help='DBG batch size (BMN always uses 1)')
    parser.add_argument(
        '--repeats',
        type=int,
        default=3,
        help='timed runs per stage (after one warm-up)')
    parser.add_argument(
        '--threads', type=int, default=2, help='torch CPU threads')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def data_samples(num: int) -> List[ActionDataSample]:
    samples = []
    for i in range(num):
        sample = ActionDataSample()
        sample.set_metainfo(
            dict(
                video_name=f'v_{i}', duration_frame=3000,
                duration_second=120.))
        samples.append(sample)
    return samples


def cached_forward(model: torch.nn.Module, inputs: torch.Tensor) -> Callable:
    """``predict`` of ``model`` with its forward replayed from a cache."""
    outputs = model._forward(inputs)
    samples = data_samples(inputs.size(0))

    def post_process():
        forward = model._forward
        model._forward = lambda x: outputs
        try:
            return model.predict(inputs, samples)
        finally:
            model._forward = forward

    return post_process


def stages(model: torch.nn.Module, feature_layer: Callable,
           x: torch.Tensor, base: torch.Tensor) -> Dict[str, Callable]:
    """The four timed stages of ``model`` on the batch ``x``."""
    samples = data_samples(x.size(0))
    return {
        'feature layer': lambda: feature_layer(base),
        'forward': lambda: model._forward(x),
        'post-processing': cached_forward(model, x),
        'inference': lambda: model.predict(x, samples),
    }


def benchmark(args: argparse.Namespace,
              device: torch.device) -> Dict[str, Dict[str, float]]:
    torch.set_num_threads(args.threads)
    init_default_scope('mmaction')
    MMLogger.get_current_instance().setLevel(logging.WARNING)
    dbg = MODELS.build(Config.fromfile(DBG_CONFIG).model)
    dbg.init_weights()
    bmn = MODELS.build(get_config(BMN_CONFIG).model)
    dbg.to(device).eval()
    bmn.to(device).eval()
    torch.manual_seed(0)
    features = torch.randn(args.batch_size, 400, 100, device=device)
    runs: Dict[str, Tuple[Dict[str, Callable], int]] = {}
    with torch.no_grad():
        for batch in sorted({1, args.batch_size}):
            x = features[:batch]
            base = bmn.x_1d_p(bmn.x_1d_b(x))
            runs[f'DBG (batch {batch})'] = (stages(dbg, dbg.pfg, x,
                                                   base), batch)
        x = features[:1]
        base = bmn.x_1d_p(bmn.x_1d_b(x))
        runs['BMN (batch 1)'] = (stages(bmn, bmn._boundary_matching_layer, x,
                                        base), 1)
        # per stage, the models' runs interleaved; seconds per video
        timings: Dict[str, Dict[str, float]] = {}
        for stage in ('feature layer', 'forward', 'post-processing',
                      'inference'):
            times = time_interleaved(
                {name: fns[stage]
                 for name, (fns, _) in runs.items()},
                args.repeats,
                device=device)
            timings[stage] = {
                name: times[name].median / batch
                for name, (_, batch) in runs.items()
            }
    return timings


def main() -> None:
    args = parse_args()
    device = resolve_device(args.device)
    timings = benchmark(args, device)
    print(f'Per-video time, T = 100, device {describe_device(device)}; '
          'ratio = DBG / BMN (batch 1)')
    header = f'{"stage":<16} {"model":<16} {"ms/video":>10} {"ratio":>7}'
    print(header)
    print('-' * len(header))
    for stage, rows in timings.items():
        bmn = rows['BMN (batch 1)']
        for name, seconds in rows.items():
            ratio = '' if name.startswith('BMN') else f'{seconds / bmn:.3f}'
            print(f'{stage:<16} {name:<16} {seconds * 1e3:>10.1f} '
                  f'{ratio:>7}')


if __name__ == '__main__':
    main()
