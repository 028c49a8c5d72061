"""Time CWAN against its same-size RGB baseline, and our Lab conversion
against OpenCV's, in one run.

    python tools/analysis_tools/benchmark_cwan.py [--device cpu|cuda]
        [--repeats N] [--threads 1] [--size 400 600]

- inference: ``forward`` (mode 'tensor') of CWAN (the LOL-v1 config:
  luma / Lab split, CWAN_L + CWAN_AB, Lab -> RGB) and of the RGB residual
  CNN of the same size (rgbnet_1xb16_lol-v1-128x128.py), untrained
  weights, one 600x400 image (LOL's size); the ratio CWAN / RGB is the
  cost of the Lab split (the issue's target: at most 1.25);
- colour: our RGB -> Lab -> RGB round trip (torch, float32) against
  OpenCV's float ``cvtColor`` RGB2Lab + Lab2RGB on the same image, with
  the largest difference of the two round trips' results from the
  input.

Each pair is timed interleaved after a warm-up
(:func:`mmext.benchmark.time_interleaved`), the median of ``--repeats``.
No upstream low-light model exists to compare with (mmagic has none).
"""
import argparse
import os.path as osp

import cv2
import numpy as np
import torch
from mmengine.config import Config

import mmext.enhance  # noqa: F401  registers the enhance modules
from mmext.benchmark import describe_device, resolve_device, time_interleaved
from mmext.enhance.models.utils import lab_to_rgb, rgb_to_lab
from mmext.registry import MODELS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs', 'cwan')


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--repeats', type=int, default=5,
        help='timed runs per measurement (after a warm-up); the median')
    parser.add_argument(
        '--threads', type=int, default=1, help='torch / OpenCV threads')
    parser.add_argument(
        '--size', type=int, nargs=2, default=(400, 600), help='H W')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    torch.set_num_threads(args.threads)
    cv2.setNumThreads(args.threads)
    device = resolve_device(args.device)
    h, w = args.size
    print(f'device: {describe_device(device)}; image {w}x{h}')
    torch.manual_seed(0)
    x = torch.rand(1, 3, h, w, device=device)
    infer, params = {}, {}
    for key, config in (('CWAN', 'cwan_1xb16_lol-v1-128x128.py'),
                        ('RGB baseline', 'rgbnet_1xb16_lol-v1-128x128.py')):
        model = MODELS.build(Config.fromfile(osp.join(CONFIGS,
                                                      config)).model)
        model.to(device).eval()
        params[key] = sum(p.numel() for p in model.parameters())

        def run(model=model):
            with torch.no_grad():
                model(x, mode='tensor')

        infer[key] = run
    times = time_interleaved(infer, args.repeats, device=device)
    for key, timing in times.items():
        print(f'{key:<13} {params[key]:,} parameters: '
              f'{1000 * timing.median:.1f} ms')
    print(f'CWAN / RGB baseline: '
          f'x{times["CWAN"].ratio(times["RGB baseline"]):.3f}')

    rgb = x[0].float()
    img = rgb.permute(1, 2, 0).cpu().numpy().astype(np.float32)

    def ours():
        return lab_to_rgb(rgb_to_lab(rgb))

    def opencv():
        return cv2.cvtColor(cv2.cvtColor(img, cv2.COLOR_RGB2Lab),
                            cv2.COLOR_Lab2RGB)

    colour = time_interleaved(
        dict(ours=ours, opencv=opencv), args.repeats, device=device)
    t_ours, t_cv = colour['ours'].median, colour['opencv'].median
    err_ours = (ours() - rgb).abs().max().item()
    err_cv = float(np.abs(opencv() - img).max())
    lab_diff = float(
        np.abs(rgb_to_lab(rgb).permute(1, 2, 0).cpu().numpy() -
               cv2.cvtColor(img, cv2.COLOR_RGB2Lab)).max())
    print(f'RGB -> Lab -> RGB, float32: ours {1000 * t_ours:.1f} ms (max '
          f'error {err_ours:.1e}), OpenCV cvtColor {1000 * t_cv:.1f} ms '
          f'(max error {err_cv:.1e}); ours / OpenCV x{t_ours / t_cv:.2f}')
    print(f'Lab, ours vs OpenCV RGB2Lab: max |diff| {lab_diff:.3f} '
          '(OpenCV quantises float a*, b*)')


if __name__ == '__main__':
    main()
