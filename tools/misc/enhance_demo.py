"""Enhance a low-light image, or every image of a folder.

    python tools/misc/enhance_demo.py CONFIG CHECKPOINT INPUT \\
        [--out-dir enhanced] [--grid] [--gt-dir DIR] [--device cpu]

The model of CONFIG (a CWAN config, or the RGB baseline's) is built in
mmext's scope, CHECKPOINT loaded, and every image (any size: all of CWAN's
convs are stride 1) enhanced and written to ``--out-dir`` under its own
name.  With ``--grid`` a ``<name>_grid.png`` triptych ``[low-light |
enhanced | ground truth]`` is written too; the ground truth is the file of
the same name in ``--gt-dir`` (left out without one).
"""
import argparse
import os
import os.path as osp
from typing import List

import cv2
import numpy as np
import torch
from mmengine.config import Config
from mmengine.runner import load_checkpoint

import mmext  # noqa: F401  compat shims before mmengine is used
import mmext.enhance  # noqa: F401  registers the enhance modules
from mmext.compat import trust_checkpoint
from mmext.enhance.datasets.paired_image_dataset import IMG_EXTENSIONS
from mmext.enhance.datasets.transforms import read_rgb
from mmext.registry import MODELS


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config')
    parser.add_argument('checkpoint')
    parser.add_argument('input', help='an image or a folder of images')
    parser.add_argument('--out-dir', default='enhanced')
    parser.add_argument(
        '--grid', action='store_true', help='also write the triptych')
    parser.add_argument('--gt-dir', help='ground truth, same file names')
    parser.add_argument('--device', default='cpu')
    return parser.parse_args()


def list_images(path: str) -> List[str]:
    if osp.isdir(path):
        files = sorted(
            osp.join(path, f) for f in os.listdir(path)
            if f.lower().endswith(IMG_EXTENSIONS))
        if not files:
            raise FileNotFoundError(f'no image in {path}')
        return files
    if not osp.isfile(path):
        raise FileNotFoundError(f'{path} does not exist')
    return [path]


def write_rgb(path: str, img: np.ndarray) -> None:
    if not cv2.imwrite(path, np.ascontiguousarray(img[..., ::-1])):
        raise IOError(f'cannot write {path}')


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    model = MODELS.build(cfg.model)
    # named on the command line, like tools/test.py's checkpoint
    trust_checkpoint(args.checkpoint)
    load_checkpoint(model, args.checkpoint, map_location='cpu')
    model.to(args.device).eval()
    os.makedirs(args.out_dir, exist_ok=True)
    for path in list_images(args.input):
        low = read_rgb(path, '(demo input)')
        data = model.data_preprocessor(
            dict(inputs=[torch.from_numpy(low).permute(2, 0, 1)]))
        with torch.no_grad():
            pred = model(**data, mode='predict')[0].pred_img
        pred = pred.cpu().numpy().transpose(1, 2, 0)
        stem = osp.splitext(osp.basename(path))[0]
        out = osp.join(args.out_dir, f'{stem}.png')
        write_rgb(out, pred)
        print(f'{path} ({low.shape[1]}x{low.shape[0]}) -> {out}')
        if args.grid:
            panels = [low, pred]
            if args.gt_dir:
                gt_path = osp.join(args.gt_dir, osp.basename(path))
                gt = read_rgb(gt_path, path)
                if gt.shape != low.shape:
                    raise ValueError(f'{gt_path} is {gt.shape[:2]}, {path} '
                                     f'{low.shape[:2]}')
                panels.append(gt)
            write_rgb(osp.join(args.out_dir, f'{stem}_grid.png'),
                      np.concatenate(panels, 1))


if __name__ == '__main__':
    main()
