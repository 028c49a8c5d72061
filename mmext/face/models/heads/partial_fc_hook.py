"""Save and resume every rank's Partial FC shard with mmengine's runner."""
from typing import Dict, List, Optional, Tuple

import torch.distributed as torch_dist
from mmengine.dist import get_dist_info
from mmengine.hooks import CheckpointHook, Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS

from .partial_fc_head import PartialFCHead

SHARDS_KEY = 'partial_fc_shards'


def _cpu(value):
    return value.detach().cpu().clone() if hasattr(value, 'cpu') else value


@HOOKS.register_module()
class PartialFCCheckpointHook(Hook):
    """Keep every rank's ``PartialFCHead`` shard in the checkpoint.

    mmengine writes the checkpoint on rank 0 only (``Runner.save_checkpoint``
    is ``master_only``), which holds rank 0's shard and rank 0's optimizer
    state, and its ``before_save_checkpoint`` hooks run on rank 0 alone, so
    the shards cannot be collected there. This hook therefore runs just
    before mmengine's ``CheckpointHook`` (priority ``LOW`` against its
    ``VERY_LOW``) on *every* rank, and wherever that hook is about to save
    (its own ``interval`` / ``save_begin`` / ``save_last`` rule, by epoch or
    by iteration, and every validation when it keeps the best checkpoint)
    it gathers the state dict entries of the Partial FC heads and the
    optimizer state of their ``weight`` from every rank onto rank 0; rank 0
    then stores them under ``checkpoint['partial_fc_shards']`` in
    ``before_save_checkpoint``. After a checkpoint is loaded (on every rank,
    e.g. ``--resume``) this rank's entries are put back into
    ``checkpoint['state_dict']`` and ``checkpoint['optimizer']`` before the
    runner loads them, so a resume with the same world size continues
    exactly. Resuming from a checkpoint of another world size raises
    (loading it with ``load_from`` or ``tools/test.py`` warns and leaves the
    shards out): convert it with
    ``tools/model_converters/partial_fc_shards.py`` (which also reads the
    shards stored here). Only a plain ``OptimWrapper`` / ``AmpOptimWrapper``
    (one optimizer) is handled.
    """

    priority = 'LOW'

    def __init__(self) -> None:
        self._pending = None

    @staticmethod
    def _heads(runner) -> List[Tuple[str, PartialFCHead]]:
        model = runner.model
        if is_model_wrapper(model):
            model = model.module
        return [(f'{name}.' if name else '', module)
                for name, module in model.named_modules()
                if isinstance(module, PartialFCHead)]

    @staticmethod
    def _checkpoint_hook(runner) -> Optional[CheckpointHook]:
        hooks = [h for h in runner.hooks if isinstance(h, CheckpointHook)]
        return hooks[0] if hooks else None

    @staticmethod
    def _param_index(runner, param) -> int:
        optimizer = getattr(runner.optim_wrapper, 'optimizer', None)
        if optimizer is None:
            return -1
        params = [
            p for group in optimizer.param_groups for p in group['params']
        ]
        for index, candidate in enumerate(params):
            if candidate is param:
                return index
        return -1

    def _gather(self, runner) -> None:
        """Collect every rank's shard entries on rank 0 (all ranks call)."""
        rank, world_size = get_dist_info()
        heads = self._heads(runner)
        if not heads or world_size == 1:
            return
        state_dict, optim_state = {}, {}
        for prefix, head in heads:
            for key, value in head.state_dict().items():
                state_dict[prefix + key] = _cpu(value)
            index = self._param_index(runner, head.weight)
            if index >= 0:
                state = runner.optim_wrapper.optimizer.state.get(
                    head.weight, {})
                optim_state[index] = {k: _cpu(v) for k, v in state.items()}
        gathered = [None] * world_size if rank == 0 else None
        torch_dist.gather_object(
            dict(state_dict=state_dict, optimizer=optim_state),
            gathered,
            dst=0)
        if rank == 0:
            self._pending = dict(world_size=world_size, ranks=gathered)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None,
                         outputs=None) -> None:
        hook = self._checkpoint_hook(runner)
        if hook is None or hook.by_epoch:
            return
        if hook.every_n_train_iters(runner, hook.interval, hook.save_begin) \
                or (hook.save_last and hook.is_last_train_iter(runner)):
            self._gather(runner)

    def after_train_epoch(self, runner) -> None:
        hook = self._checkpoint_hook(runner)
        if hook is None or not hook.by_epoch:
            return
        if hook.every_n_epochs(runner, hook.interval, hook.save_begin) or (
                hook.save_last and hook.is_last_train_epoch(runner)):
            self._gather(runner)

    def after_val_epoch(self, runner, metrics=None) -> None:
        hook = self._checkpoint_hook(runner)
        if hook is not None and hook.save_best and metrics:
            self._gather(runner)

    def before_save_checkpoint(self, runner, checkpoint: Dict) -> None:
        if self._pending is not None:
            checkpoint[SHARDS_KEY] = self._pending
            self._pending = None

    def after_load_checkpoint(self, runner, checkpoint: Dict) -> None:
        if SHARDS_KEY not in checkpoint:
            return
        rank, world_size = get_dist_info()
        saved = checkpoint[SHARDS_KEY]
        if saved['world_size'] != world_size:
            message = (f'the checkpoint holds Partial FC shards of '
                       f'{saved["world_size"]} ranks, this run has '
                       f'{world_size}: merge / split them with '
                       'tools/model_converters/partial_fc_shards.py')
            if getattr(runner, '_resume', False):
                raise ValueError(message)
            # load_from / tools/test.py: the embedding is still usable
            runner.logger.warning(message + '; the shards are not loaded')
            return
        mine = saved['ranks'][rank]
        checkpoint['state_dict'].update(mine['state_dict'])
        optimizer = checkpoint.get('optimizer')
        if optimizer is not None and 'state' in optimizer:
            for index, state in mine['optimizer'].items():
                if state:
                    optimizer['state'][index] = state
                else:
                    optimizer['state'].pop(index, None)
