"""Time ASFD-D0 inference against mmdet's RetinaNet with the same backbone.

    python tools/analysis_tools/benchmark_asfd.py [--repeats 5]
        [--threads 2] [--device cpu|cuda] [--complexity]

Both detectors take a 640x480 (VGA) image and are built from configs:
ASFD-D0 from ``configs/asfd/asfd-d0_mobilenetv2_8xb4-121e_widerface.py``
(MobileNetV2, Auto-FEM width 64, dual-shot head of which only the second
shot runs at inference) and RetinaNet from mmdet's
``retinanet_r50_fpn.py`` with the backbone replaced by the same
MobileNetV2 (FPN P3-P7 at width 256, 4 stacked convs, 9 anchors, mmdet's
RetinaNet as published), one face class, random initial weights.  Two stages
are timed per image (median over ``--repeats`` rounds after a warm-up, the
four runs alternating within a round so that both models see the same load):

- network: backbone + neck + head (``mode='tensor'``);
- inference: ``predict`` including box decoding and NMS. With untrained
  weights the scores are flat, so both keep their ``nms_pre`` candidates:
  an upper bound of the post-processing time.

The ratio printed is ASFD-D0 time / RetinaNet time (below 1: ASFD-D0 is
faster) and images/s.  ``--complexity`` instead prints parameters and FLOPs
of ASFD-D0 ... D6 (mmengine's ``get_model_complexity_info``, network only,
640x640 input) as the README table.  ``--device cuda`` falls back to CPU
with a warning when CUDA is not available.  The timing is
:func:`mmext.benchmark.time_interleaved`.
"""
import argparse
import logging
import os.path as osp
from functools import partial
from typing import Callable, Dict

import torch
from mmengine.config import Config
from mmengine.hub import get_config
from mmengine.logging import MMLogger
from mmengine.registry import init_default_scope

import mmext.det  # noqa: F401  registers ASFD
from mmext.benchmark import describe_device, resolve_device, time_interleaved

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs', 'asfd')
ASFD_CONFIGS = [
    'asfd-d0_mobilenetv2_8xb4-121e_widerface.py',
    'asfd-d1_r18_8xb4-121e_widerface.py',
    'asfd-d2_r34_8xb4-121e_widerface.py',
    'asfd-d3_r50_8xb4-121e_widerface.py',
    'asfd-d4_r101_8xb4-121e_widerface.py',
    'asfd-d5_r152_8xb4-121e_widerface.py',
    'asfd-d6_r152_8xb4-121e_widerface.py',
]
RETINANET_CONFIG = 'mmdet::_base_/models/retinanet_r50_fpn.py'


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--repeats', type=int, default=5, help='timed runs (after warm-up)')
    parser.add_argument(
        '--threads', type=int, default=2, help='torch CPU threads')
    parser.add_argument('--device', default='cpu')
    parser.add_argument(
        '--complexity',
        action='store_true',
        help='print params/FLOPs of ASFD-D0..D6 instead of timing')
    return parser.parse_args()


def build(cfg: Config) -> torch.nn.Module:
    from mmdet.registry import MODELS
    model = MODELS.build(cfg.model)
    model.eval()
    return model


def asfd_model_cfg(name: str) -> Config:
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    cfg.model.backbone.init_cfg = None  # no checkpoint download
    return cfg


def retinanet_cfg(d0: Config) -> Config:
    """mmdet's RetinaNet with ASFD-D0's MobileNetV2, one class."""
    cfg = get_config(RETINANET_CONFIG)
    cfg.model.backbone = d0.model.backbone
    cfg.model.neck.in_channels = list(d0.model.neck.in_channels)
    cfg.model.bbox_head.num_classes = 1
    return cfg


def complexity_table() -> None:
    """Params and FLOPs of D0-D6 at 640x640 (network only)."""
    from mmengine.analysis import get_model_complexity_info
    print('| variant | backbone | width | cells | head convs | params | '
          'FLOPs (640x640) |')
    print('| --- | --- | --- | --- | --- | --- | --- |')
    for name in ASFD_CONFIGS:
        cfg = asfd_model_cfg(name)
        model = build(cfg)
        model.first_shot_head = None  # training-only auxiliary head
        inputs = torch.randn(1, 3, 640, 640)
        info = get_model_complexity_info(
            model, inputs=(inputs, ), show_table=False, show_arch=False)
        backbone = cfg.model.backbone
        arch = backbone.type if 'depth' not in backbone else \
            f'ResNet-{backbone.depth}'
        print(f'| {name.split("_")[0].upper()} | {arch} | '
              f'{cfg.model.neck.out_channels} | {cfg.model.neck.num_cells} '
              f'| {cfg.model.bbox_head.num_dw_convs} | '
              f'{info["params"] / 1e6:.2f} M | {info["flops"] / 1e9:.2f} G |')


def main() -> None:
    args = parse_args()
    MMLogger.get_current_instance().setLevel(logging.WARNING)
    init_default_scope('mmdet')
    torch.set_num_threads(args.threads)
    if args.complexity:
        # mmengine warns about every operator it does not count (BN, ...)
        MMLogger.get_current_instance().setLevel(logging.ERROR)
        complexity_table()
        return
    device = resolve_device(args.device)
    d0 = asfd_model_cfg(ASFD_CONFIGS[0])
    models = dict(
        asfd_d0=build(d0).to(device),
        retinanet=build(retinanet_cfg(d0)).to(device))
    from mmdet.structures import DetDataSample
    image = torch.randint(0, 256, (3, 480, 640), dtype=torch.uint8)
    sample = DetDataSample(
        metainfo=dict(
            img_shape=(480, 640), ori_shape=(480, 640), scale_factor=(1., 1.)))
    fns: Dict[str, Callable] = {}
    with torch.no_grad():
        for name, model in models.items():
            data = model.data_preprocessor(
                dict(inputs=[image], data_samples=[sample]), False)
            for stage, mode in (('network', 'tensor'), ('inference',
                                                        'predict')):
                fns[f'{name}/{stage}'] = partial(
                    model, data['inputs'], data['data_samples'], mode=mode)
        timings = time_interleaved(fns, args.repeats, device=device)
    print(f'ASFD-D0 vs RetinaNet (MobileNetV2), one 640x480 image, '
          f'device {describe_device(device)}, median of {args.repeats}')
    print('| stage | ASFD-D0 ms | RetinaNet ms | ratio | ASFD-D0 img/s | '
          'RetinaNet img/s |')
    print('| --- | --- | --- | --- | --- | --- |')
    for stage in ('network', 'inference'):
        a, r = timings[f'asfd_d0/{stage}'], timings[f'retinanet/{stage}']
        print(f'| {stage} | {a.median * 1e3:.1f} | {r.median * 1e3:.1f} | '
              f'{a.ratio(r):.2f} | {1 / a.median:.1f} | '
              f'{1 / r.median:.1f} |')


if __name__ == '__main__':
    main()
