"""Estimate the optical flow between two images and write its picture.

    python tools/misc/flow_demo.py CONFIG CHECKPOINT IMG1 IMG2 \\
        [--out flow.png] [--out-flo flow.flo] [--device cpu]

The model of CONFIG (e.g. an ARFlow config) is built in mmext's scope,
CHECKPOINT loaded, and the pair (same size, any size: the model resizes
it to its test size or to multiples of the network stride and rescales the
flow back) is predicted.  The flow is rendered with the Middlebury colour
wheel (hue = direction, saturation = magnitude) to ``--out``, and written
as a Middlebury ``.flo`` file with ``--out-flo``.
"""
import argparse

import cv2
import mmcv
import torch
from mmengine.config import Config
from mmengine.runner import load_checkpoint

import mmext  # noqa: F401  compat shims before mmengine is used
from mmext.compat import trust_checkpoint
from mmext.flow.datasets import write_flo
from mmext.flow.visualization import flow_to_color
from mmext.registry import MODELS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('img1')
    parser.add_argument('img2')
    parser.add_argument(
        '--out', default='flow.png', help='colour-coded flow picture')
    parser.add_argument('--out-flo', help='also write the flow as .flo')
    parser.add_argument(
        '--max-flow',
        type=float,
        default=None,
        help='magnitude of full saturation (default: the '
        'largest in the picture)')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model)
    # named on the command line, like tools/test.py's checkpoint
    trust_checkpoint(args.checkpoint)
    load_checkpoint(model, args.checkpoint, map_location='cpu')
    model.to(args.device).eval()
    frames = []
    for path in (args.img1, args.img2):
        img = mmcv.imread(path, channel_order='rgb')
        if img is None:
            raise FileNotFoundError(f'{path}: cannot be read as an image')
        frames.append(torch.from_numpy(img).permute(2, 0, 1))
    if frames[0].shape != frames[1].shape:
        raise ValueError(f'{args.img1} is {tuple(frames[0].shape[1:])}, '
                         f'{args.img2} {tuple(frames[1].shape[1:])}: the '
                         'two images must have one size')
    data = model.data_preprocessor(
        dict(inputs=dict(imgs=[torch.stack(frames)]), data_samples=None))
    with torch.no_grad():
        flow = model(**data, mode='predict')[0].pred_flow_fw
    flow = flow.cpu().numpy().transpose(1, 2, 0)
    picture = flow_to_color(flow, args.max_flow)
    if not cv2.imwrite(args.out, picture[..., ::-1]):
        raise IOError(f'cannot write {args.out}')
    print(f'flow {flow.shape[1]}x{flow.shape[0]}, mean |flow| '
          f'{float((flow**2).sum(2).mean()**0.5):.2f} px -> {args.out}')
    if args.out_flo:
        write_flo(args.out_flo, flow)
        print(f'-> {args.out_flo}')


if __name__ == '__main__':
    main()
