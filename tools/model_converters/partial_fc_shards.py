"""Merge Partial FC class-centre shards into one weight, or split one.

A model trained with ``PartialFCHead`` on N ranks holds rank r's classes
``[r * C // N, (r + 1) * C // N)`` in ``<prefix>weight``. ``merge`` turns N
shard checkpoints (one per rank, in any order; or one checkpoint saved with
``PartialFCCheckpointHook``, which carries every rank's shard) into one
checkpoint of ``CurricularFaceHead`` (``<prefix>norm_product.weight`` of all
C classes and ``<prefix>t``), to evaluate or fine-tune on any number of
GPUs; ``split`` turns such a full checkpoint into N ``PartialFCHead``
shard checkpoints. Everything else (backbone, meta) is copied from rank 0;
the optimizer state is dropped. Merge then split gives back the shards'
centres and ``t`` bit for bit (the sampling step count ``num_steps``
restarts at 0).

Examples::

    python tools/model_converters/partial_fc_shards.py merge \
        full.pth rank0.pth rank1.pth
    python tools/model_converters/partial_fc_shards.py merge \
        full.pth work_dirs/x/epoch_20.pth      # saved with the hook
    python tools/model_converters/partial_fc_shards.py split \
        full.pth shards/ --world-size 8        # shards/rank{r}.pth
"""
import argparse
import os
import os.path as osp
from typing import Dict, List

import torch

EXTRA = '_extra_state'
SHARDS_KEY = 'partial_fc_shards'


def _ranges(num_classes: int, world_size: int):
    return [(r * num_classes // world_size, (r + 1) * num_classes //
             world_size) for r in range(world_size)]


def find_prefixes(state_dict: Dict) -> List[str]:
    """Prefixes (e.g. ``'head.'``) of the Partial FC heads."""
    return [
        key[:-len(EXTRA)] for key, value in state_dict.items()
        if key.endswith(EXTRA) and isinstance(value, dict)
        and {'num_classes', 'world_size', 'rank'} <= set(value)
    ]


def merge_state_dicts(shards: List[Dict]) -> Dict:
    """One full ``CurricularFaceHead`` state dict from per-rank ones."""
    prefixes = find_prefixes(shards[0])
    if not prefixes:
        raise ValueError('no PartialFCHead shard in the state dict')
    layouts = {p: [sd[p + EXTRA] for sd in shards] for p in prefixes}
    order = sorted(
        range(len(shards)), key=lambda i: layouts[prefixes[0]][i]['rank'])
    shards = [shards[i] for i in order]
    merged = {}
    for key, value in shards[0].items():
        if not any(key.startswith(p) for p in prefixes):
            merged[key] = value
    for prefix in prefixes:
        layout = [sd[prefix + EXTRA] for sd in shards]
        world_size = layout[0]['world_size']
        num_classes = layout[0]['num_classes']
        if sorted(item['rank'] for item in layout) != list(range(world_size)) \
                or len(shards) != world_size:
            raise ValueError(f'{prefix}: need the shards of all '
                             f'{world_size} ranks, got {layout}')
        weights = [sd[prefix + 'weight'] for sd in shards]
        for (start, end), weight in zip(_ranges(num_classes, world_size),
                                        weights):
            if weight.shape[0] != end - start:
                raise ValueError(f'{prefix}: a shard of {weight.shape[0]} '
                                 f'rows for classes [{start}, {end})')
        merged[prefix + 'norm_product.weight'] = torch.cat(weights)
        if prefix + 'margin.t' in shards[0]:
            t = shards[0][prefix + 'margin.t']
            if not all(torch.equal(sd[prefix + 'margin.t'], t)
                       for sd in shards):
                raise ValueError(f'{prefix}margin.t differs between ranks')
            merged[prefix + 't'] = t.clone()
    return merged


def split_state_dict(state_dict: Dict,
                     world_size: int,
                     prefix: str = 'head.') -> List[Dict]:
    """``world_size`` ``PartialFCHead`` state dicts from a full one."""
    full = state_dict[prefix + 'norm_product.weight']
    num_classes = full.shape[0]
    if num_classes < world_size:
        raise ValueError(f'{num_classes} classes for {world_size} ranks')
    shards = []
    for rank, (start, end) in enumerate(_ranges(num_classes, world_size)):
        shard = {
            key: value
            for key, value in state_dict.items()
            if not key.startswith(prefix)
        }
        shard[prefix + 'weight'] = full[start:end].clone()
        shard[prefix + EXTRA] = dict(
            num_classes=num_classes, world_size=world_size, rank=rank)
        if prefix + 't' in state_dict:
            shard[prefix + 'margin.t'] = state_dict[prefix + 't'].clone()
        # the negative sampling starts a new stream
        shard[prefix + 'num_steps'] = torch.zeros((), dtype=torch.long)
        shards.append(shard)
    return shards


def _shard_state_dicts(checkpoint: Dict) -> List[Dict]:
    """Per-rank state dicts stored by ``PartialFCCheckpointHook``."""
    shards = [dict(checkpoint['state_dict'])
              for _ in checkpoint[SHARDS_KEY]['ranks']]
    for shard, saved in zip(shards, checkpoint[SHARDS_KEY]['ranks']):
        shard.update(saved['state_dict'])
    return shards


def merge(out: str, inputs: List[str]) -> None:
    checkpoints = [torch.load(path, map_location='cpu', weights_only=False)
                   for path in inputs]
    if len(checkpoints) == 1 and SHARDS_KEY in checkpoints[0]:
        state_dicts = _shard_state_dicts(checkpoints[0])
    else:
        state_dicts = [ckpt.get('state_dict', ckpt) for ckpt in checkpoints]
    merged = merge_state_dicts(state_dicts)
    torch.save(dict(meta=checkpoints[0].get('meta', {}), state_dict=merged),
               out)
    print(f'merged {len(state_dicts)} shards into {out}')


def split(full_path: str, out_dir: str, world_size: int, prefix: str) -> None:
    checkpoint = torch.load(full_path, map_location='cpu', weights_only=False)
    state_dict = checkpoint.get('state_dict', checkpoint)
    os.makedirs(out_dir, exist_ok=True)
    for rank, shard in enumerate(
            split_state_dict(state_dict, world_size, prefix)):
        path = osp.join(out_dir, f'rank{rank}.pth')
        torch.save(dict(meta=checkpoint.get('meta', {}), state_dict=shard),
                   path)
        print(f'wrote {path}')


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    sub = parser.add_subparsers(dest='command', required=True)
    merge_parser = sub.add_parser('merge', help='N shards -> one weight')
    merge_parser.add_argument('out')
    merge_parser.add_argument('inputs', nargs='+')
    split_parser = sub.add_parser('split', help='one weight -> N shards')
    split_parser.add_argument('full')
    split_parser.add_argument('out_dir')
    split_parser.add_argument('--world-size', type=int, required=True)
    split_parser.add_argument('--prefix', default='head.')
    args = parser.parse_args()
    if args.command == 'merge':
        merge(args.out, args.inputs)
    else:
        split(args.full, args.out_dir, args.world_size, args.prefix)


if __name__ == '__main__':
    main()
