from typing import Iterator, List, Optional

import numpy as np
from mmengine.dist import get_dist_info, sync_random_seed
from mmpretrain.registry import DATA_SAMPLERS
from torch.utils.data import BatchSampler, Sampler

from .ddl_branch_dataset import (PAIR_BRANCHES, SINGLE_BRANCHES,
                                 DDLBranchDataset)


@DATA_SAMPLERS.register_module()
class DDLBatchSampler(BatchSampler):
    """Batches of the four DDL branches, ID-balanced across ranks.

    Used as the dataloader's ``batch_sampler`` over a
    :class:`DDLBranchDataset`. Every step gives, on every rank, ``B`` =
    ``batch_size`` items of each branch, in the order of
    :data:`~mmext.face.datasets.ddl_branch_dataset.BATCH_ORDER`: ``B`` easy
    and ``B`` hard single images, then the ``B`` first and the ``B`` second
    images of the easy pairs, then those of the hard pairs (``6 B`` images).

    The single-image branches are **ID-balanced** (TFace's
    ``DistributedIDBalanceSampler`` with one image per person): each epoch
    the identities of a branch are shuffled, one random image is drawn per
    identity, and step ``k`` of rank ``r`` takes identities
    ``(k W + r) B .. (k W + r + 1) B`` of the permutation (``W`` ranks), so
    the identities of one step are disjoint across ranks and the gathered
    batch holds one image per identity, which DDL's negatives need. The
    pairs are shuffled and dealt out the same way. An epoch has as many
    steps as the shortest branch allows (``identities // (B W)``, ``pairs
    // (B W)``); the remainder of the longer branches is dropped (and comes
    back in another epoch's shuffle).

    The shuffles depend on the seed and the epoch only: the seed is that of
    the wrapped ``sampler`` (mmengine's ``DefaultSampler``, whose seed is
    synchronised across ranks and set from ``randomness.seed``) and the
    epoch is the one ``DistSamplerSeedHook`` sets on it, so the same seed
    gives the same batches.

    Args:
        sampler (Sampler): The dataloader's sampler, built by mmengine from
            ``sampler=dict(type='DefaultSampler')``; only its ``dataset``,
            ``seed`` and ``epoch`` are used.
        batch_size (int): Items per branch per rank and step.
        seed (int, optional): Overrides the sampler's seed. Defaults to None.
        drop_last (bool): Must be True (DDL needs full branches).
            Defaults to True.
    """

    def __init__(self,
                 sampler: Sampler,
                 batch_size: int,
                 seed: Optional[int] = None,
                 drop_last: bool = True):
        if not drop_last:
            raise ValueError('DDLBatchSampler drops incomplete batches '
                             '(drop_last=True): every branch must have '
                             'batch_size items')
        if batch_size < 2:
            raise ValueError('DDLBatchSampler needs batch_size >= 2, got '
                             f'{batch_size}')
        dataset = getattr(sampler, 'dataset', None)
        if not isinstance(dataset, DDLBranchDataset):
            raise TypeError('DDLBatchSampler samples a DDLBranchDataset, got '
                            f'{type(dataset).__name__}')
        self.sampler = sampler
        self.dataset = dataset
        self.batch_size = batch_size
        self.drop_last = True
        rank, world_size = get_dist_info()
        self.rank, self.world_size = rank, world_size
        if seed is None:
            seed = getattr(sampler, 'seed', None)
        self.seed = sync_random_seed() if seed is None else int(seed)
        self.epoch = 0

        self.identities = {}
        for name in SINGLE_BRANCHES:
            labels = dataset.branch_labels(name)
            ids, inverse = np.unique(labels, return_inverse=True)
            order = np.argsort(inverse, kind='stable')
            starts = np.searchsorted(inverse[order], np.arange(len(ids)))
            counts = np.bincount(inverse, minlength=len(ids))
            self.identities[name] = (order, starts, counts)
        per_step = batch_size * world_size
        counts = {
            name: len(self.identities[name][1]) // per_step
            for name in SINGLE_BRANCHES
        }
        counts.update({
            name: len(dataset.pairs[name]) // per_step
            for name in PAIR_BRANCHES
        })
        self.num_steps = min(counts.values())
        if self.num_steps == 0:
            raise ValueError(
                f'DDLBatchSampler: batch_size {batch_size} x {world_size} '
                'ranks is larger than a branch (identities of the single-'
                'image branches, pairs of the pair branches: '
                f'{ {n: c for n, c in self._branch_sizes().items()} })')

    def _branch_sizes(self) -> dict:
        sizes = {n: len(self.identities[n][1]) for n in SINGLE_BRANCHES}
        sizes.update({n: len(self.dataset.pairs[n]) for n in PAIR_BRANCHES})
        return sizes

    def set_epoch(self, epoch: int) -> None:
        """Set the epoch (also read from the wrapped sampler)."""
        self.epoch = epoch

    def _epoch(self) -> int:
        return max(self.epoch, int(getattr(self.sampler, 'epoch', 0)))

    def _branch_items(self, branch_id: int, name: str,
                      rng: np.random.RandomState) -> np.ndarray:
        """Per-step local items of this rank, ``(num_steps, B)``."""
        per_step = self.batch_size * self.world_size
        if name in SINGLE_BRANCHES:
            order, starts, counts = self.identities[name]
            perm = rng.permutation(len(starts))
            # one random image of each identity
            pick = starts[perm] + (rng.random_sample(len(perm)) *
                                   counts[perm]).astype(np.int64)
            items = order[pick]
        else:
            items = rng.permutation(len(self.dataset.pairs[name]))
        items = items[:self.num_steps * per_step].reshape(
            self.num_steps, self.world_size, self.batch_size)
        return items[:, self.rank]

    def __iter__(self) -> Iterator[List[int]]:
        epoch = self._epoch()
        branches = {}
        for branch_id, name in enumerate(SINGLE_BRANCHES + PAIR_BRANCHES):
            rng = np.random.RandomState(
                (self.seed + 1000003 * epoch + 7919 * branch_id) % 2**32)
            branches[name] = self._branch_items(branch_id, name, rng)
        encode = self.dataset.encode
        for step in range(self.num_steps):
            batch = [
                encode('easy', branches['easy'][step]),
                encode('hard', branches['hard'][step]),
            ]
            for name in PAIR_BRANCHES:
                batch.append(encode(name, branches[name][step], 0))
                batch.append(encode(name, branches[name][step], 1))
            yield np.concatenate(batch).tolist()

    def __len__(self) -> int:
        return self.num_steps
