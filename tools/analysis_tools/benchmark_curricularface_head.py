"""Time CurricularFaceHead against mmpretrain's ArcFaceClsHead.

Forward + backward of the loss (logits, cross entropy, gradients of the
embeddings and of the class centres) for a 512-d batch of 256, with 10k and
85,742 (MS1MV2) classes, both heads in the same run and with the same
weights; the iterations of the two heads are interleaved so that load
changes on the machine hit both alike (:func:`mmext.benchmark.\
time_interleaved`). Prints the median time per iteration and the ratio
CurricularFace / ArcFace (target: <= 1.10), and on CUDA the peak memory of
each head's step.

    python tools/analysis_tools/benchmark_curricularface_head.py
    python tools/analysis_tools/benchmark_curricularface_head.py \
        --device cuda --iters 50
"""
import argparse
from typing import Callable, List

import torch

import mmext  # noqa: F401  compat shims before any toolbox import
from mmext.benchmark import describe_device, resolve_device, time_interleaved
from mmext.face.models import CurricularFaceHead
from mmpretrain.models import ArcFaceClsHead
from mmpretrain.structures import DataSample


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--batch-size', type=int, default=256)
    parser.add_argument('--embedding-size', type=int, default=512)
    parser.add_argument(
        '--num-classes', type=int, nargs='+', default=[10000, 85742])
    parser.add_argument('--iters', type=int, default=10)
    parser.add_argument('--warmup', type=int, default=2)
    parser.add_argument(
        '--device',
        default='cuda' if torch.cuda.is_available() else 'cpu',
        help='cpu or cuda (default: cuda if available)')
    parser.add_argument('--threads', type=int, help='torch CPU threads')
    return parser.parse_args()


def make_step(head: torch.nn.Module, feats: torch.Tensor,
              samples: List[DataSample]) -> Callable[[], None]:
    """One training step of the head: loss forward and backward."""

    def step():
        head.zero_grad(set_to_none=True)
        feats.grad = None
        head.loss((feats, ), samples)['loss'].backward()

    return step


def main():
    args = parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    device = resolve_device(args.device)
    cuda = device.type == 'cuda'
    print(f'device {describe_device(device)}, batch {args.batch_size}, '
          f'embedding {args.embedding_size}, {args.iters} iterations '
          '(median)')
    print(f'{"classes":>8} {"ArcFace ms":>11} {"CurricularFace ms":>18} '
          f'{"ratio":>6}' + (f' {"ArcFace MiB":>12} {"Curricular MiB":>15}'
                             if cuda else ''))
    ratios = []
    for num_classes in args.num_classes:
        torch.manual_seed(0)
        arcface = ArcFaceClsHead(num_classes, args.embedding_size).to(device)
        curricular = CurricularFaceHead(num_classes,
                                        args.embedding_size).to(device)
        curricular.load_state_dict(arcface.state_dict(), strict=False)
        feats = torch.randn(
            args.batch_size,
            args.embedding_size,
            device=device,
            requires_grad=True)
        labels = torch.randint(num_classes, (args.batch_size, ))
        samples = [
            DataSample().set_gt_label(int(label)).to(device)
            for label in labels
        ]
        timings = time_interleaved(
            dict(
                arcface=make_step(arcface, feats, samples),
                curricular=make_step(curricular, feats, samples)),
            args.iters,
            args.warmup,
            device,
            peak_memory=cuda)
        arc, cur = timings['arcface'], timings['curricular']
        ratios.append(cur.ratio(arc))
        memory = f' {arc.peak_memory / 2**20:>12.0f} ' \
            f'{cur.peak_memory / 2**20:>15.0f}' if cuda else ''
        print(f'{num_classes:>8} {1e3 * arc.median:>11.2f} '
              f'{1e3 * cur.median:>18.2f} {ratios[-1]:>6.3f}' + memory)
    verdict = 'within' if max(ratios) <= 1.10 else 'ABOVE'
    print(f'max ratio {max(ratios):.3f}: {verdict} the 1.10 target')


if __name__ == '__main__':
    main()
