"""Time ARFlow's PWC-Lite and its correlation layer, in one run.

    python tools/analysis_tools/benchmark_arflow.py [--device cpu|cuda]
        [--repeats N] [--threads 2] [--train-size 384 832]

Built from the official Sintel AR config (PWC-Lite, 2,236,660 parameters,
untrained weights), with random inputs:

- inference: ``predict`` of one 448x1024 pair (Sintel's test size);
- training step: one ARFlow iteration at ``--train-size`` (the official
  crop is 384x832, batch 4): the forward-backward pass with the
  unsupervised loss (range-map occlusion, as the untrained weights
  need), the spatially transformed second pass with the AR loss,
  backward and the Adam step;
- correlation: the vectorised layer (blocked GEMMs) against the
  straightforward reference, one product per displacement (ARFlow's
  ``correlation_native.py``), on PWC-Lite's finest decoded level for a
  448x1024 pair (1/4: 32 x 112 x 256, 81 displacements), forward and
  forward + backward; the ratio reference / vectorised is printed.

Each measurement is the median of ``--repeats`` runs after a warm-up
(:func:`mmext.benchmark.time_interleaved`; the two correlation layers
alternate).  On a CPU the defaults are shrunk (training step at 128x256,
batch 2, one timed run after the warm-up) to keep the run short;
``--device cuda`` uses the official sizes.  A CUDA device that is not
available falls back to the CPU with a warning.
"""
import argparse
import os.path as osp

import torch
from mmengine.config import Config

import mmext.flow  # noqa: F401  registers the flow modules
from mmext.benchmark import describe_device, resolve_device, time_interleaved
from mmext.flow.models.utils import correlation, correlation_reference
from mmext.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIG = osp.join(ROOT, 'configs', 'arflow',
                  'arflow_pwclite_ar_1xb4_sintel-384x832.py')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--repeats',
        type=int,
        default=3,
        help='timed runs per measurement (after a warm-up)')
    parser.add_argument(
        '--threads', type=int, default=2, help='torch CPU threads')
    parser.add_argument(
        '--train-size',
        type=int,
        nargs=2,
        default=None,
        help='training crop (default 384 832 on CUDA, '
        '128 256 on the CPU)')
    parser.add_argument(
        '--train-batch',
        type=int,
        default=None,
        help='training batch (default 4 on CUDA, 2 on CPU)')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    cuda = device.type == 'cuda'
    train_size = args.train_size or ((384, 832) if cuda else (128, 256))
    train_batch = args.train_batch or (4 if cuda else 2)
    repeats = args.repeats or (10 if cuda else 1)
    torch.manual_seed(0)

    cfg = Config.fromfile(CONFIG)
    model = MODELS.build(cfg.model).to(device)
    n_params = sum(p.numel() for p in model.flow_net.parameters())
    print(f'device: {describe_device(device)}')
    print(f'PWC-Lite parameters: {n_params:,}')

    model.eval()
    pair = dict(imgs=torch.rand(1, 2, 3, 448, 1024, device=device))
    with torch.no_grad():
        t_inf = time_interleaved(
            dict(predict=lambda: model(pair, mode='predict')),
            repeats,
            device=device)['predict'].median
    print(f'inference 448x1024, batch 1: {1000 * t_inf:.1f} ms '
          f'({1 / t_inf:.1f} pairs/s)')

    model.train()
    # untrained weights: the forward-backward check would mark every pixel
    # occluded (an error), so the step uses the range-map occlusion of the
    # warm-up stage
    model.loss_module.occ_from_back = True
    optim = torch.optim.Adam(model.parameters(), lr=1e-4, eps=1e-7)
    h, w = train_size
    batch = dict(
        imgs=torch.rand(train_batch, 2, 3, h, w, device=device),
        imgs_ph=torch.rand(train_batch, 2, 3, h, w, device=device))

    def step():
        losses = model(batch, mode='loss')
        optim.zero_grad()
        sum(losses.values()).backward()
        optim.step()

    t_step = time_interleaved(
        dict(step=step), repeats, device=device)['step'].median
    print(f'training step {h}x{w}, batch {train_batch} (unsupervised + AR '
          f'pass, backward, Adam): {1000 * t_step:.1f} ms')

    feat1 = torch.randn(1, 32, 112, 256, device=device, requires_grad=True)
    feat2 = torch.randn(1, 32, 112, 256, device=device, requires_grad=True)
    err = (correlation(feat1, feat2) -
           correlation_reference(feat1, feat2)).abs().max().item()
    rows = []
    for mode in ('forward', 'forward+backward'):
        runs = {}
        for fn in (correlation, correlation_reference):
            if mode == 'forward':

                def run(fn=fn):
                    with torch.no_grad():
                        fn(feat1, feat2)
            else:

                def run(fn=fn):
                    fn(feat1, feat2).sum().backward()

            runs[fn.__name__] = run
        # the two layers alternate after a warm-up
        times = time_interleaved(runs, repeats, device=device)
        rows.append((mode, *(t.median for t in times.values())))
    print(f'correlation 32x112x256, 81 displacements (max |diff| '
          f'{err:.1e}):')
    for mode, t_vec, t_ref in rows:
        print(f'  {mode:<16} vectorised {1000 * t_vec:8.2f} ms   reference '
              f'{1000 * t_ref:8.2f} ms   speed-up x{t_ref / t_vec:.2f}')


if __name__ == '__main__':
    main()
