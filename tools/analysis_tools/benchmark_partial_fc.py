"""Peak memory and step time of PartialFCHead against the unsharded head.

For each number of classes C (default 100k, 1M and 2M, 512-d embeddings,
128 per rank) the script starts ``W`` ranks (default 2; gloo on the CPU,
NCCL with ``--device cuda``, one GPU a rank) twice, one side after the
other:

- ``unsharded``: :class:`~mmext.face.models.CurricularFaceHead` with all C
  centres on every rank, its loss on the rank's own batch, the centres'
  gradient averaged over the ranks (the all-reduce DDP does for it);
- ``partial-fc``: :class:`~mmext.face.models.PartialFCHead` with
  ``C / W`` centres a rank, ``CurricularFaceMargin``, the embeddings of all
  ranks gathered, ``--sample-rate`` (default 0.1) of each shard sampled.

A step is the head's loss forward and backward and an SGD update of the
centres (momentum 0.9, weight decay 5e-4): the head's share of a training
step, without a backbone (the embeddings are leaf tensors). Steps are timed
on rank 0 with :func:`mmext.benchmark.time_interleaved` (a barrier before
each); the two sides cannot share a process, since each one's peak memory
must be its own. Memory is per rank, the largest over the ranks: on the CPU
the peak resident set (``ru_maxrss``) minus the resident set before the
head was built, on CUDA torch's peak allocated memory. A rank may allocate
at most ``--memory-limit`` GiB (on the CPU through ``RLIMIT_AS``; default
85% of the available memory shared by the ranks); a side that needs more is
reported as out of memory instead of taking the machine down.

Targets (issue 13): peak memory per rank at most ``1 / W + 0.1`` of the
unsharded head's, and the step time at C = 1M at most 0.25 of it.

    python tools/analysis_tools/benchmark_partial_fc.py
    python tools/analysis_tools/benchmark_partial_fc.py --classes 100000 \\
        --repeats 5
    python tools/analysis_tools/benchmark_partial_fc.py --device cuda \\
        --world-size 1
"""
import argparse
import json
import os
import resource
import socket
import tempfile
from datetime import timedelta
from typing import Optional

import torch
import torch.distributed as dist
import torch.multiprocessing as mp

import mmext  # noqa: F401  compat shims before any toolbox import
from mmext.benchmark import describe_device, print_table, time_interleaved

SIDES = ('unsharded', 'partial-fc')
GIB = 2**30


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--classes',
        type=int,
        nargs='+',
        default=[100_000, 1_000_000, 2_000_000])
    parser.add_argument('--embedding-size', type=int, default=512)
    parser.add_argument('--batch', type=int, default=128, help='per rank')
    parser.add_argument('--world-size', type=int, default=2)
    parser.add_argument('--sample-rate', type=float, default=0.1)
    parser.add_argument('--repeats', type=int, default=3)
    parser.add_argument('--warmup', type=int, default=1)
    parser.add_argument('--device', default='cpu', help='cpu or cuda')
    parser.add_argument(
        '--threads', type=int, default=1, help='torch CPU threads a rank')
    parser.add_argument(
        '--memory-limit',
        type=float,
        help='GiB a rank may allocate (CPU; default: 85%% of the available '
        'memory / world size)')
    parser.add_argument(
        '--timeout', type=int, default=600, help='seconds of a collective')
    return parser.parse_args()


def _statm(field: int) -> int:
    """Bytes of field ``field`` of /proc/self/statm (0 size, 1 resident)."""
    with open('/proc/self/statm') as f:
        return int(f.read().split()[field]) * os.sysconf('SC_PAGE_SIZE')


def available_memory() -> int:
    """MemAvailable of /proc/meminfo, in bytes."""
    with open('/proc/meminfo') as f:
        for line in f:
            if line.startswith('MemAvailable:'):
                return int(line.split()[1]) * 1024
    raise RuntimeError('/proc/meminfo has no MemAvailable line')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def build_head(side: str, args, num_classes: int):
    from mmext.face.models import CurricularFaceHead, PartialFCHead
    if side == 'unsharded':
        return CurricularFaceHead(num_classes, args.embedding_size)
    return PartialFCHead(
        num_classes,
        args.embedding_size,
        margin=dict(type='CurricularFaceMargin', margin=0.5, momentum=0.99),
        sample_rate=args.sample_rate)


def run_rank(rank: int, args, side: str, num_classes: int, port: int,
             out_dir: str, limit: Optional[int]) -> None:
    """One rank of one side; writes ``<out_dir>/<rank>.json``."""
    # imported before the baseline resident set is read
    import mmext.face.models  # noqa: F401
    from mmpretrain.structures import DataSample
    torch.set_num_threads(args.threads)
    cuda = args.device == 'cuda'
    device = torch.device('cuda', rank) if cuda else torch.device('cpu')
    result = {}
    try:
        if cuda:
            torch.cuda.set_device(device)
        dist.init_process_group(
            'nccl' if cuda else 'gloo',
            init_method=f'tcp://127.0.0.1:{port}',
            rank=rank,
            world_size=args.world_size,
            timeout=timedelta(seconds=args.timeout))
        generator = torch.Generator().manual_seed(rank)
        feats = torch.randn(
            args.batch, args.embedding_size,
            generator=generator).to(device).requires_grad_()
        labels = torch.randint(num_classes, (args.batch, ),
                               generator=generator)
        samples = [DataSample().set_gt_label(int(i)).to(device)
                   for i in labels]
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_AS,
                               (_statm(0) + limit, resource.RLIM_INFINITY))
        base = _statm(1)
        head = build_head(side, args, num_classes).to(device)
        optimizer = torch.optim.SGD(
            head.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)

        def step():
            optimizer.zero_grad(set_to_none=True)
            feats.grad = None
            head.loss((feats, ), samples)['loss'].backward()
            if side == 'unsharded' and args.world_size > 1:
                for param in head.parameters():  # what DDP does for them
                    dist.all_reduce(param.grad)
                    param.grad.div_(args.world_size)
            optimizer.step()

        timing = time_interleaved({side: step},
                                  args.repeats,
                                  args.warmup,
                                  device,
                                  before=lambda _: dist.barrier(),
                                  peak_memory=cuda)[side]
        peak = timing.peak_memory if cuda else \
            resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 - base
        result = dict(
            times=timing.times,
            peak=peak,
            centres=sum(p.shape[0] for p in head.parameters()))
    except (RuntimeError, MemoryError) as error:
        message = str(error).strip().splitlines()
        result = dict(error=message[0][:160] if message else repr(error))
    with open(os.path.join(out_dir, f'{rank}.json'), 'w') as f:
        json.dump(result, f)


def run_side(args, side: str, num_classes: int,
             limit: Optional[int]) -> dict:
    """All ranks of one side; the merged result of rank 0 and the peaks."""
    with tempfile.TemporaryDirectory() as out_dir:
        mp.spawn(
            run_rank,
            args=(args, side, num_classes, free_port(), out_dir, limit),
            nprocs=args.world_size)
        results = []
        for rank in range(args.world_size):
            with open(os.path.join(out_dir, f'{rank}.json')) as f:
                results.append(json.load(f))
    errors = [r['error'] for r in results if 'error' in r]
    if errors:
        return dict(error=errors[0])
    first = results[0]
    times = sorted(first['times'])
    return dict(
        median=times[len(times) // 2],
        spread=times[-1] - times[0],
        peak=max(r['peak'] for r in results),
        centres=first['centres'])


def main():
    args = parse_args()
    cuda = args.device == 'cuda'
    if cuda and torch.cuda.device_count() < args.world_size:
        raise SystemExit(f'--world-size {args.world_size} needs as many '
                         f'GPUs, found {torch.cuda.device_count()}')
    limit = None
    if not cuda:
        gib = args.memory_limit or \
            0.85 * available_memory() / args.world_size / GIB
        limit = int(gib * GIB)
    torch.set_num_threads(args.threads)
    where = describe_device('cuda' if cuda else 'cpu')
    print(f'{args.world_size} ranks ({"nccl" if cuda else "gloo"}) on '
          f'{where} each; {args.embedding_size}-d, batch {args.batch} a '
          f'rank, sample rate {args.sample_rate}, {args.repeats} steps '
          '(median)' + (f'; at most {limit / GIB:.1f} GiB a rank'
                        if limit else ''))
    rows, verdicts = [], []
    for num_classes in args.classes:
        results = {
            side: run_side(args, side, num_classes, limit)
            for side in SIDES
        }
        for side, res in results.items():
            if 'error' in res:
                rows.append([
                    f'{num_classes:,}', side, '-', 'out of memory' if
                    'memory' in res['error'] else res['error'], '-', '-'
                ])
            else:
                rows.append([
                    f'{num_classes:,}', side, f'{res["centres"]:,}',
                    f'{1e3 * res["median"]:.1f}',
                    f'{1e3 * res["spread"]:.1f}', f'{res["peak"] / 2**20:.0f}'
                ])
        base, ours = results['unsharded'], results['partial-fc']
        if 'error' in base or 'error' in ours:
            failed = 'unsharded' if 'error' in base else 'partial-fc'
            verdicts.append(f'C={num_classes:,}: {failed} failed '
                            f'({(base if "error" in base else ours)["error"]})'
                            ', no ratio')
            continue
        memory = ours['peak'] / base['peak']
        target = 1 / args.world_size + 0.1
        time_ratio = ours['median'] / base['median']
        line = (f'C={num_classes:,}: memory a rank partial-fc / unsharded '
                f'{memory:.3f} ({"within" if memory <= target else "ABOVE"} '
                f'{target:.2f}), step time {time_ratio:.3f}')
        if num_classes == 1_000_000:
            line += f' ({"within" if time_ratio <= 0.25 else "ABOVE"} 0.25)'
        verdicts.append(line)
    print_table(['classes', 'head', 'centres a rank', 'median ms',
                 'spread ms', 'peak MiB a rank'], rows)
    for line in verdicts:
        print(line)


if __name__ == '__main__':
    main()
