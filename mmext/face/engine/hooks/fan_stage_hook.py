from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import HOOKS


@HOOKS.register_module()
class FANStageHook(Hook):
    """Switch :class:`FAN` from stage 1 to stage 2 at an epoch.

    Before every training epoch the model's stage is set to 2 from epoch
    ``switch_epoch`` on (0-based, the runner's ``epoch``) and to 1 before,
    so one run does both stages and a resumed run is in the stage of its
    epoch. ``switch_epoch=0`` trains stage 2 only.

    Args:
        switch_epoch (int): The first epoch of stage 2.
    """

    priority = 'NORMAL'

    def __init__(self, switch_epoch: int):
        if switch_epoch < 0:
            raise ValueError('FANStageHook: switch_epoch must be >= 0, got '
                             f'{switch_epoch}')
        self.switch_epoch = switch_epoch

    def before_train_epoch(self, runner) -> None:
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        stage = 2 if runner.epoch >= self.switch_epoch else 1
        if int(model.stage) != stage:
            runner.logger.info(f'FANStageHook: stage {stage} from epoch '
                               f'{runner.epoch + 1}')
        model.set_stage(stage)
