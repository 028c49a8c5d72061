"""Epoch-based training loop with alternating DARTS architecture steps."""
import itertools
from typing import Dict, Iterator, List, Optional, Sequence, Tuple, Union

from mmdet.registry import LOOPS
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapperDict
from mmengine.runner import EpochBasedTrainLoop
from torch.utils.data import DataLoader


@LOOPS.register_module()
class DARTSSearchLoop(EpochBasedTrainLoop):
    """Alternate architecture and weight updates inside the runner.

    Every iteration first takes an architecture step on a batch of
    ``search_dataloader`` (the held-out half of DARTS' split) with the
    ``architecture`` optimizer wrapper, then a weight step on the training
    batch with the ``weights`` wrapper (first-order DARTS, as GDAS and
    PC-DARTS; see :class:`DARTSOptimWrapperConstructor`). Gradients that a
    step leaves on the other group's parameters are cleared. Architecture
    steps start after ``arch_begin`` warm-up epochs (PC-DARTS trains only the
    weights for the first epochs). The Gumbel temperature of every module
    with ``set_temperature`` (:class:`AutoFEMSearch`) is annealed linearly
    from ``tau_range[0]`` to ``tau_range[1]`` over the epochs (GDAS).

    Args:
        runner (Runner): The runner.
        dataloader (DataLoader | dict): Weight-training data.
        search_dataloader (DataLoader | dict): Architecture data.
        max_epochs (int): Search epochs.
        arch_begin (int): Epochs of weight-only warm-up. Defaults to 0.
        tau_range (tuple[float, float]): Gumbel temperature at the first and
            the last epoch. Defaults to (10, 0.1) as GDAS.
        val_begin (int): First validation epoch.
        val_interval (int): Validation interval.
        dynamic_intervals (list, optional): See ``EpochBasedTrainLoop``.
    """

    def __init__(
            self,
            runner,
            dataloader: Union[DataLoader, Dict],
            search_dataloader: Union[DataLoader, Dict],
            max_epochs: int,
            arch_begin: int = 0,
            tau_range: Sequence[float] = (10.0, 0.1),
            val_begin: int = 1,
            val_interval: int = 1,
            dynamic_intervals: Optional[List[Tuple[int, int]]] = None) -> None:
        super().__init__(runner, dataloader, max_epochs, val_begin,
                         val_interval, dynamic_intervals)
        if isinstance(search_dataloader, dict):
            search_dataloader = runner.build_dataloader(
                search_dataloader, seed=runner.seed)
        self.search_dataloader = search_dataloader
        self.arch_begin = arch_begin
        if len(tau_range) != 2:
            raise ValueError(f'train_cfg.tau_range needs 2 values, got '
                             f'{tau_range}')
        self.tau_range = tuple(float(t) for t in tau_range)
        self._search_batches: Optional[Iterator] = None

    def temperature(self, epoch: int) -> float:
        """Linearly annealed Gumbel temperature of ``epoch`` (0-based)."""
        start, end = self.tau_range
        return start + (end - start) * epoch / max(self._max_epochs - 1, 1)

    def run_epoch(self) -> None:
        """Set the epoch's temperature, then run it."""
        model = self.runner.model
        if is_model_wrapper(model):
            model = model.module
        tau = self.temperature(self._epoch)
        for module in model.modules():
            if hasattr(module, 'set_temperature'):
                module.set_temperature(tau)
        self.runner.message_hub.update_scalar('train/tau', tau)
        super().run_epoch()

    def _next_search_batch(self) -> dict:
        if self._search_batches is None:
            self._search_batches = itertools.chain.from_iterable(
                iter(self.search_dataloader) for _ in itertools.count())
        return next(self._search_batches)

    def run_iter(self, idx: int, data_batch: dict) -> None:
        """One architecture step (after warm-up) and one weight step."""
        wrappers = self.runner.optim_wrapper
        if not isinstance(wrappers, OptimWrapperDict):
            raise TypeError('DARTSSearchLoop needs optim_wrapper with '
                            "constructor='DARTSOptimWrapperConstructor'")
        self.runner.call_hook(
            'before_train_iter', batch_idx=idx, data_batch=data_batch)
        model = self.runner.model
        arch_outputs = {}
        if self._epoch >= self.arch_begin:
            arch_outputs = model.train_step(
                self._next_search_batch(),
                optim_wrapper=wrappers['architecture'])
            wrappers['weights'].zero_grad()
        outputs = model.train_step(
            data_batch, optim_wrapper=wrappers['weights'])
        wrappers['architecture'].zero_grad()
        outputs.update({
            f'arch_{key}': value
            for key, value in arch_outputs.items()
        })
        self.runner.call_hook(
            'after_train_iter',
            batch_idx=idx,
            data_batch=data_batch,
            outputs=outputs)
        self._iter += 1
