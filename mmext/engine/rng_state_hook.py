"""Random states in checkpoints, so that a resumed run continues exactly."""
import random
from typing import Optional

import numpy as np
import torch
from mmengine.dist import get_world_size
from mmengine.hooks import Hook
from mmengine.registry import HOOKS
from mmengine.runner import EpochBasedTrainLoop

from mmext.compat import is_resuming

#: Key of the random states in an mmengine checkpoint.
CHECKPOINT_KEY = 'rng_state'


def get_rng_state() -> dict:
    """The global random states of Python, numpy and torch (CPU, CUDA).

    Everything is plain data (ints, floats, strings, lists, uint8 tensors)
    that the ``weights_only`` loader of :mod:`mmext.compat` accepts with no
    extra global.
    """
    version, mt_state, gauss = random.getstate()
    name, keys, pos, has_gauss, cached = np.random.get_state(legacy=True)
    state = dict(
        python=dict(version=version, state=list(mt_state), gauss=gauss),
        numpy=dict(
            name=str(name),
            keys=[int(k) for k in keys],
            pos=int(pos),
            has_gauss=int(has_gauss),
            cached_gaussian=float(cached)),
        torch=torch.get_rng_state())
    if torch.cuda.is_available() and torch.cuda.is_initialized():
        state['cuda'] = torch.cuda.get_rng_state_all()
    return state


def set_rng_state(state: dict) -> None:
    """Restore what :func:`get_rng_state` returned."""
    py = state['python']
    random.setstate((py['version'], tuple(py['state']), py['gauss']))
    np_state = state['numpy']
    np.random.set_state(
        (np_state['name'], np.asarray(np_state['keys'], dtype=np.uint32),
         np_state['pos'], np_state['has_gauss'],
         np_state['cached_gaussian']))
    torch.set_rng_state(state['torch'])
    if 'cuda' in state and torch.cuda.is_available():
        torch.cuda.set_rng_state_all(state['cuda'])


@HOOKS.register_module()
class RNGStateHook(Hook):
    """Save the random states in every checkpoint and restore them on
    resume.

    Without it a resumed deterministic run draws differently from an
    uninterrupted one (DBG's IoU-stratified sampling, random augmentations
    in the main process, dropout), because mmengine's checkpoint holds no
    random state.  The hook

    * writes the global Python, numpy and torch (CPU and CUDA) states, the
      train sampler's seed and the train dataloader's generator into
      ``checkpoint['rng_state']`` (plain data, loadable with
      ``weights_only``),
    * restores them at ``before_train`` (after ``Runner.resume``, whose seed
      handling reseeds every generator, and after the other hooks' own
      ``before_train``),
    * gives the train dataloader its own generator, seeded with the run's
      seed, when it has none: torch draws each worker's base seed from the
      global generator when an iterator is created, which with
      ``persistent_workers`` happens once per run, so a resumed run would
      otherwise draw once more than an uninterrupted one,
    * keeps validation during training from advancing the training states
      (the validation dataloader draws its base seed too), so the state
      saved after epoch N is the state epoch N + 1 starts from.

    Limits: augmentations drawn inside persistent dataloader workers restart
    from the worker seed on resume (their states live in the worker
    processes), and in distributed runs only rank 0 writes checkpoints, so
    the states are restored only in single-process runs.  mmengine's
    ``EpochBasedTrainLoop`` restarts a mid-epoch checkpoint's epoch at its
    first batch; the hook says so in the log, with the number of batches
    that are trained twice.
    """

    priority = 'LOWEST'

    def __init__(self) -> None:
        self._pending: Optional[dict] = None
        self._outside_val: Optional[dict] = None

    def _train_loader(self, runner):
        loop = runner.train_loop
        return getattr(loop, 'dataloader', None)

    def before_save_checkpoint(self, runner, checkpoint: dict) -> None:
        # best_*.pth is saved during validation: save the training states.
        state = dict(self._outside_val or get_rng_state())
        loader = self._train_loader(runner)
        sampler = getattr(loader, 'sampler', None)
        if isinstance(getattr(sampler, 'seed', None), int):
            state['sampler_seed'] = sampler.seed
        generator = getattr(loader, 'generator', None)
        if isinstance(generator, torch.Generator):
            state['dataloader_generator'] = generator.get_state()
        checkpoint[CHECKPOINT_KEY] = state

    def after_load_checkpoint(self, runner, checkpoint: dict) -> None:
        # Only a resume continues the random states (not load_from); and
        # Runner.resume reseeds after loading: restore at before_train.
        resuming = is_resuming() or getattr(runner, '_resume', False)
        if not resuming or CHECKPOINT_KEY not in checkpoint:
            return
        self._pending = checkpoint[CHECKPOINT_KEY]

    def before_train(self, runner) -> None:
        loader = self._train_loader(runner)
        if loader is not None and loader.generator is None and isinstance(
                runner.seed, int):
            loader.generator = torch.Generator().manual_seed(runner.seed)
        self._warn_mid_epoch(runner, loader)
        state, self._pending = self._pending, None
        if state is None:
            return
        if get_world_size() > 1:
            runner.logger.warning(
                'RNGStateHook: the checkpoint holds the random states of '
                'rank 0 only; in a distributed run they are not restored')
            return
        set_rng_state(state)
        sampler = getattr(loader, 'sampler', None)
        seed = state.get('sampler_seed')
        if seed is not None and getattr(sampler, 'seed', seed) != seed:
            runner.logger.info(f'RNGStateHook: train sampler seed '
                               f'{sampler.seed} -> {seed} (the checkpoint\'s)')
            sampler.seed = seed
        generator = state.get('dataloader_generator')
        if generator is not None and isinstance(loader.generator,
                                                torch.Generator):
            loader.generator.set_state(generator)
        runner.logger.info('RNGStateHook: restored the Python, numpy and '
                           'torch random states of the checkpoint')

    def _warn_mid_epoch(self, runner, loader) -> None:
        if not isinstance(runner.train_loop, EpochBasedTrainLoop):
            return
        done = runner.iter - runner.epoch * len(loader)
        if done > 0:
            runner.logger.warning(
                f'RNGStateHook: resumed from a mid-epoch checkpoint (epoch '
                f'{runner.epoch + 1}, {done} of {len(loader)} batches done). '
                "mmengine's EpochBasedTrainLoop restarts the epoch at its "
                f'first batch: those {done} batches are trained twice, the '
                f'iteration count runs {done} past an uninterrupted run, '
                'and the random states are those of the checkpoint, not of '
                'the epoch start. Resume from an end-of-epoch checkpoint to '
                'continue exactly.')

    def before_val(self, runner) -> None:
        self._outside_val = get_rng_state()

    def after_val(self, runner) -> None:
        state, self._outside_val = self._outside_val, None
        if state is not None:
            set_rng_state(state)
