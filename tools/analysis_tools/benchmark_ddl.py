"""Time a DDL training step against the CurricularFace-FT step.

Both models are ``DDLRecognizer`` built from the same config dict with the
same weights; the baseline has ``ddl_loss=None`` (CurricularFace CE on the
easy and hard branches only, the configs' CurricularFace-FT baseline), so
the ratio is the cost DDL adds to a fine-tuning step. Each step is forward,
backward and an SGD update of a batch of ``4 x B`` items (``6 x B`` images:
two ID-balanced branches and two pair branches) of random 112x112 faces.
The baseline does not embed the pair images (they feed DDL only), so DDL's
step has three times its images; a third step, ``ce-all-images``, embeds all
``6 B`` images with the baseline's CE only, and ``DDL / ce-all-images`` is
the cost of the DDL loss and its gathers alone. The steps are interleaved
(:func:`mmext.benchmark.time_interleaved`). Target: step ratio at most
1.10. Then ``DDLLoss`` alone, forward + backward, at global batches 256 and
2048 per branch.

    python tools/analysis_tools/benchmark_ddl.py            # IR-50, 4 x 32
    python tools/analysis_tools/benchmark_ddl.py --depth 18 --batch 8 \
        --iters 3
    python tools/analysis_tools/benchmark_ddl.py --device cuda --iters 20
"""
import argparse
import copy

import torch

import mmext  # noqa: F401  compat shims before any toolbox import
from mmext.benchmark import (describe_device, print_table, resolve_device,
                             time_interleaved)
from mmext.face.models import DDLLoss
from mmengine.registry import init_default_scope
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

BRANCHES = ('easy', 'hard', 'pair_easy_0', 'pair_easy_1', 'pair_hard_0',
            'pair_hard_1')


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--depth', type=int, default=50)
    parser.add_argument(
        '--batch', type=int, default=32, help='items per branch (B)')
    parser.add_argument('--num-classes', type=int, default=8631)
    parser.add_argument('--iters', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument(
        '--loss-batches', type=int, nargs='+', default=[256, 2048])
    parser.add_argument('--loss-iters', type=int, default=10)
    parser.add_argument(
        '--device',
        default='cuda' if torch.cuda.is_available() else 'cpu',
        help='cpu or cuda (default: cuda if available)')
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    return parser.parse_args()


def build_models(args, device):
    """The DDL model and its CurricularFace-FT baseline, same weights."""
    cfg = dict(
        type='DDLRecognizer',
        backbone=dict(
            type='IResNet',
            depth=args.depth,
            embedding_size=512,
            input_size=(112, 112)),
        head=dict(
            type='CurricularFaceHead',
            num_classes=args.num_classes,
            in_channels=512),
        share_head=True,
        ddl_loss=dict(type='DDLLoss'))
    torch.manual_seed(0)
    ddl = MODELS.build(cfg)
    baseline = MODELS.build(dict(copy.deepcopy(cfg), ddl_loss=None))
    baseline.load_state_dict(ddl.state_dict())
    return ddl.to(device).train(), baseline.to(device).train()


def make_batch(args, device):
    """``6 B`` images with branch names; pairs share an identity."""
    b = args.batch
    single = torch.randperm(args.num_classes)[:2 * b]
    pair_ids = torch.randperm(args.num_classes)[:2 * b]
    labels = torch.cat([
        single[:b], single[b:], pair_ids[:b], pair_ids[:b], pair_ids[b:],
        pair_ids[b:]
    ])
    samples = [
        DataSample(metainfo=dict(ddl_branch=name)).set_gt_label(
            int(labels[i * b + j])) for i, name in enumerate(BRANCHES)
        for j in range(b)
    ]
    inputs = torch.randn(6 * b, 3, 112, 112, device=device)
    return inputs, [s.to(device) for s in samples]


def make_step(model, optimizer, inputs, samples):

    def step():
        optimizer.zero_grad(set_to_none=True)
        losses = model.loss(inputs, samples)
        sum(losses.values()).backward()
        optimizer.step()

    return step


def make_all_images_step(model, optimizer, inputs, samples):
    """CE of the easy and hard branches with all ``6 B`` images embedded."""
    groups = model.split_branches(samples)

    def step():
        optimizer.zero_grad(set_to_none=True)
        embedding = model.extract_feat(inputs)[-1]
        loss = 0. * embedding.sum()  # the pair images' forward and backward
        for name in ('easy', 'hard'):
            index = torch.tensor(groups[name], device=inputs.device)
            loss = loss + model.head.loss(
                (embedding.index_select(0, index), ),
                [samples[i] for i in groups[name]])['loss']
        loss.backward()
        optimizer.step()

    return step


def make_loss_step(loss, batch, device):
    torch.manual_seed(0)
    feats = [
        torch.nn.functional.normalize(
            torch.randn(batch, 512, device=device), dim=1).requires_grad_()
        for _ in range(6)
    ]

    def step():
        for f in feats:
            f.grad = None
        terms = loss(feats[:2], [feats[2], feats[4]], [feats[3], feats[5]])
        sum(terms.values()).backward()

    return step


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    init_default_scope('mmpretrain')
    device = resolve_device(args.device)
    cuda = device.type == 'cuda'
    print(f'device {describe_device(device)}; IR-{args.depth}, 4 x '
          f'{args.batch} items ({6 * args.batch} images) of 112x112, '
          f'{args.num_classes} classes, {args.iters} steps each (median)')
    ddl, baseline = build_models(args, device)
    inputs, samples = make_batch(args, device)
    steps = {
        'curricularface-ft':
        make_step(baseline, torch.optim.SGD(baseline.parameters(), lr=1e-3),
                  inputs, samples),
        'ce-all-images':
        make_all_images_step(
            baseline, torch.optim.SGD(baseline.parameters(), lr=1e-3),
            inputs, samples),
        'ddl':
        make_step(ddl, torch.optim.SGD(ddl.parameters(), lr=1e-3), inputs,
                  samples),
    }
    timings = time_interleaved(
        steps, args.iters, args.warmup, device, peak_memory=cuda)
    base, ours = timings['curricularface-ft'], timings['ddl']
    rows = [[
        name, f'{1e3 * t.median:.1f}', f'{1e3 * t.spread:.1f}',
        f'{t.peak_memory / 2**20:.0f}' if t.peak_memory else '-'
    ] for name, t in timings.items()]
    print_table(['step', 'median ms', 'spread ms', 'peak MiB'], rows)
    ratio = ours.ratio(base)
    verdict = 'within' if ratio <= 1.10 else 'ABOVE'
    print(f'step ratio DDL / CurricularFace-FT {ratio:.3f}: {verdict} the '
          '1.10 target (DDL embeds 3x the images)')
    loss_ratio = ours.ratio(timings['ce-all-images'])
    verdict = 'within' if loss_ratio <= 1.10 else 'ABOVE'
    print(f'step ratio DDL / ce-all-images {loss_ratio:.3f} (the DDL loss and '
          f'its gathers): {verdict} the 1.10 target')

    loss = DDLLoss().to(device)
    rows = []
    for batch in args.loss_batches:
        timing = time_interleaved({
            'loss': make_loss_step(loss, batch, device)
        }, args.loss_iters, 1, device)['loss']
        rows.append([str(batch), f'{1e3 * timing.median:.2f}',
                     f'{1e3 * timing.spread:.2f}'])
    print('DDLLoss alone, forward + backward (6 branches of 512-d features):')
    print_table(['global batch', 'median ms', 'spread ms'], rows)


if __name__ == '__main__':
    main()
