"""The warm-up to main stage switch of ARFlow's unsupervised loss."""
from typing import Optional

from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper

from mmext.registry import HOOKS


@HOOKS.register_module()
class UnFlowLossStageHook(Hook):
    """Change the unsupervised loss settings at iteration ``switch_iter``.

    From scratch the forward-backward check marks almost everything
    occluded and the photometric loss degenerates, so ARFlow starts with
    the range-map occlusion and L1 + SSIM, then (``train.stage1`` at epoch
    50 = 50k iterations of ``sintel_raw.json`` / ``kitti_raw.json``) moves
    to the forward-backward check and census.  Applied before every
    iteration from ``switch_iter`` on, so a resumed run is in the right
    stage.

    Args:
        switch_iter (int): first iteration of the second stage.
            Default 50000.
        loss_cfg (dict, optional): attributes of the ``UnFlowLoss`` to set.
            Default ``dict(occ_from_back=False, w_l1=0, w_ssim=0,
            w_ternary=1)``.
    """

    priority = 'NORMAL'

    def __init__(self,
                 switch_iter: int = 50000,
                 loss_cfg: Optional[dict] = None) -> None:
        self.switch_iter = switch_iter
        self.loss_cfg = loss_cfg if loss_cfg is not None else dict(
            occ_from_back=False, w_l1=0., w_ssim=0., w_ternary=1.)

    def before_train_iter(self,
                          runner,
                          batch_idx: int,
                          data_batch=None) -> None:
        if runner.iter < self.switch_iter:
            return
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        loss = model.loss_module
        changed = {}
        for key, value in self.loss_cfg.items():
            if not hasattr(loss, key):
                raise AttributeError(f'UnFlowLossStageHook: the loss has no '
                                     f'setting "{key}"')
            if getattr(loss, key) != value:
                setattr(loss, key, value)
                changed[key] = value
        if changed:
            runner.logger.info(f'UnFlowLossStageHook: {changed} from '
                               f'iteration {runner.iter}')
