from typing import Sequence

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class FANStageHook(Hook):
    """Set the stage of :class:`FAN` by epoch.

    Before every training epoch the model's stage is the number of entries
    of ``stage_epochs`` (the first epoch of stage 1 and of stage 2, 0-based
    as the runner's ``epoch``) that the epoch has reached: one run can do
    all stages, and a resumed run is in the stage of its epoch. Epochs
    before ``stage_epochs[0]`` are stage 0 (training the recogniser); with
    ``stage_epochs=(0, k)`` the run starts in stage 1 from a trained one,
    with ``(0, 0)`` it trains stage 2 only.

    Args:
        stage_epochs (Sequence[int]): ``(first epoch of stage 1, first
            epoch of stage 2)``, non-decreasing.
    """

    priority = 'NORMAL'

    def __init__(self, stage_epochs: Sequence[int]):
        if len(stage_epochs) != 2 or not 0 <= stage_epochs[0] <= \
                stage_epochs[1]:
            raise ValueError('FANStageHook: stage_epochs must be (start of '
                             'stage 1, start of stage 2) with 0 <= start 1 '
                             f'<= start 2, got {stage_epochs}')
        self.stage_epochs = tuple(int(e) for e in stage_epochs)

    def stage_of(self, epoch: int) -> int:
        """The stage of a 0-based epoch."""
        return sum(epoch >= start for start in self.stage_epochs)

    def before_train_epoch(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        stage = self.stage_of(runner.epoch)
        if int(model.stage) != stage:
            runner.logger.info(f'FANStageHook: stage {stage} from epoch '
                               f'{runner.epoch + 1}')
        model.set_stage(stage)
