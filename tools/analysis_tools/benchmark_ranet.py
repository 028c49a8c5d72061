"""RANet-R50 against SimpleBaseline-R50 at 256x256, and PDA's cost, in one run.

    python tools/analysis_tools/benchmark_ranet.py [--batch-sizes 1 8]
        [--repeats 3] [--device cpu|cuda] [--pda-images 64]
        [--pda-image-size 720]

Model part: both models are built from the configs in ``configs/ranet/``
(``ranet_res50_8xb64-210e_mpii-256x256.py`` and
``simplebaseline_res50_8xb64-210e_mpii-256x256.py``) without loading
weights, and timed in inference mode on the same random 256x256 crops
(the network forward, without flip test or decoding), interleaved after a
warm-up (:func:`mmext.benchmark.time_interleaved`).  FLOPs are counted by
mmengine's analysis tools for one crop (convolutions, deconvolutions and
linear layers; element-wise products are not counted).

Data part: the RANet training pipeline (LoadImage -> GetBBoxCenterScale ->
PDA -> RandomFlip -> RandomBBoxTransform -> TopdownAffine -> GenerateTarget
-> PackPoseInputs) is run on MPII-sized JPEGs (``--pda-image-size``, default
720x720, persons about 430 px tall, written by the quickstart renderer)
with PDA as configured (prob 0.5), with PDA on every image (prob 1) and
without PDA, interleaved; the images per CPU second of each (process CPU
time, so that other jobs on the machine do not distort it) and PDA's added
share of the loading time are printed (RANet's target: under 20 %).  The
part library is the quickstart's.
"""
import argparse
import json
import os.path as osp
import tempfile
import time
from functools import partial

import cv2
import numpy as np
import torch
from mmengine.analysis import get_model_complexity_info
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import init_default_scope
from mmpose.datasets import MpiiDataset
from mmpose.registry import MODELS

import mmext.pose  # noqa: F401
from mmext.benchmark import (describe_device, forward_latencies, print_table,
                             resolve_device, time_interleaved)
from mmext.pose.datasets.ranet_quickstart_data import (prepare_quickstart_data,
                                                       render_sample)

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = {
    'SimpleBaseline-R50':
    'configs/ranet/simplebaseline_res50_8xb64-210e_mpii-256x256.py',
    'RANet-R50': 'configs/ranet/ranet_res50_8xb64-210e_mpii-256x256.py',
}


class Network(torch.nn.Module):
    """Backbone + head forward of a top-down estimator (no decoding)."""

    def __init__(self, model: torch.nn.Module) -> None:
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor):
        return self.model._forward(x)


def benchmark_models(args, device: str) -> None:
    models, stats = {}, {}
    for name, config in CONFIGS.items():
        cfg = Config.fromfile(osp.join(ROOT, config))
        model = Network(MODELS.build(cfg.model)).eval().to(device)
        models[name] = model
        x = torch.randn(1, 3, 256, 256, device=device)
        flops = get_model_complexity_info(
            model, inputs=(x, ), show_table=False, show_arch=False)['flops']
        stats[name] = dict(
            params=sum(p.numel() for p in model.parameters()), flops=flops)
    for n in args.batch_sizes:
        x = torch.randn(n, 3, 256, 256, device=device)
        times = forward_latencies(models, x, args.repeats, device)
        for name, timing in times.items():
            stats[name][f'b{n}'] = timing.median
    header = ['model', 'params (M)', 'GFLOPs/crop'
              ] + [f'latency b{n} (ms)' for n in args.batch_sizes]
    rows = [[name, f'{v["params"] / 1e6:.2f}', f'{v["flops"] / 1e9:.2f}'] +
            [f'{1e3 * v[f"b{n}"]:.1f}' for n in args.batch_sizes]
            for name, v in stats.items()]
    ranet, base = stats['RANet-R50'], stats['SimpleBaseline-R50']
    rows.append([
        'ratio RANet/SimpleBaseline',
        f'{ranet["params"] / base["params"]:.3f}',
        f'{ranet["flops"] / base["flops"]:.3f}'
    ] + [f'{ranet[f"b{n}"] / base[f"b{n}"]:.3f}' for n in args.batch_sizes])
    print_table(header, rows)


def write_mpii_sized_images(root: str, count: int, size: int) -> str:
    """Quickstart-style persons on ``size`` x ``size`` JPEGs, MPII json."""
    rng = np.random.default_rng(0)
    anns = []
    for i in range(count):
        img, ann = render_sample(rng, size)
        ann.pop('headbox')
        ann['image'] = f'{i + 1:09d}.jpg'
        cv2.imwrite(
            osp.join(root, ann['image']), img, [cv2.IMWRITE_JPEG_QUALITY, 90])
        anns.append(ann)
    ann_file = osp.join(root, 'mpii_bench.json')
    with open(ann_file, 'w') as f:
        json.dump(anns, f)
    return ann_file


def benchmark_pda(args) -> None:
    cfg = Config.fromfile(osp.join(ROOT, CONFIGS['RANet-R50']))
    pipeline = cfg.train_dataloader.dataset.pipeline
    pda_index = [s['type']
                 for s in pipeline].index('ParsingBasedDataAugmentation')
    with tempfile.TemporaryDirectory() as tmp:
        library = osp.join(
            prepare_quickstart_data(osp.join(tmp, 'ranet')), 'part_library')
        ann_file = write_mpii_sized_images(tmp, args.pda_images,
                                           args.pda_image_size)
        dataset = MpiiDataset(ann_file=ann_file, data_prefix=dict(img=tmp))
        infos = [dataset.get_data_info(i) for i in range(len(dataset))]
        variants = {}
        for name, prob in (('without PDA', None), ('PDA prob 0.5', 0.5),
                           ('PDA prob 1.0', 1.0)):
            steps = [dict(s) for s in pipeline]
            if prob is None:
                steps.pop(pda_index)
            else:
                steps[pda_index].update(part_library=library, prob=prob)
            variants[name] = Compose(steps)

        def load_all(transform):
            for info in infos:
                transform(dict(info))

        # every variant sees the same random stream in a round
        times = time_interleaved(
            {name: partial(load_all, t)
             for name, t in variants.items()},
            args.repeats,
            clock=time.process_time,
            before=np.random.seed)
    base = times['without PDA'].median
    header = ['pipeline', 'images per CPU second', 'vs without PDA']
    rows = []
    for name, timing in times.items():
        seconds = timing.median
        rows.append([
            name, f'{len(infos) / seconds:.1f}',
            f'{100 * (seconds / base - 1):+.1f} %'
        ])
    print(f'\ntraining pipeline on {len(infos)} images of '
          f'{args.pda_image_size}x{args.pda_image_size}, 1 process, CPU '
          'time (robust to other jobs on the machine)')
    print_table(header, rows)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-sizes', type=int, nargs='+', default=[1, 8])
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--device', default='cpu')
    parser.add_argument('--pda-images', type=int, default=64)
    parser.add_argument('--pda-image-size', type=int, default=720)
    args = parser.parse_args()
    device = resolve_device(args.device)
    init_default_scope('mmpose')
    torch.manual_seed(0)
    print(f'device: {describe_device(device)}; torch {torch.__version__}; '
          'input 256x256')
    benchmark_models(args, device)
    benchmark_pda(args)


if __name__ == '__main__':
    main()
