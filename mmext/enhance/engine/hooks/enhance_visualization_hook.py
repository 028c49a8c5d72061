"""Write low-light | enhanced | ground-truth grids during evaluation."""
from typing import Optional, Sequence

import numpy as np
from mmengine.hooks import Hook

from mmext.registry import HOOKS


def _hwc(img) -> np.ndarray:
    """A (3, H, W) tensor on [0, 255] as (H, W, 3) uint8."""
    img = img.detach().cpu().float().clamp(0, 255).round().byte()
    return img.numpy().transpose(1, 2, 0)


@HOOKS.register_module()
class EnhanceVisualizationHook(Hook):
    """Send ``[low-light | enhanced | ground truth]`` grids to the
    runner's visualizer backends.

    For the first sample of every ``interval``-th validation / test batch,
    the image is added with ``visualizer.add_image`` under
    ``<mode>_enhance_<index>`` (``LocalVisBackend`` writes it below the
    work directory's ``vis_data/vis_image``); the ground-truth panel is
    left out for unlabelled samples.

    Args:
        interval (int): every how many batches. Default 1.
        max_images (int, optional): stop after this many per evaluation.
            Default 8.
    """

    priority = 'LOW'

    def __init__(self,
                 interval: int = 1,
                 max_images: Optional[int] = 8) -> None:
        self.interval = interval
        self.max_images = max_images

    def _draw(self, runner, mode: str, batch_idx: int, data_batch: dict,
              outputs: Sequence) -> None:
        if batch_idx % self.interval or (self.max_images is not None
                                         and batch_idx // self.interval
                                         >= self.max_images):
            return
        sample = outputs[0]
        panels = [_hwc(data_batch['inputs'][0]), _hwc(sample.pred_img)]
        if 'gt_img' in sample:
            panels.append(_hwc(sample.gt_img))
        runner.visualizer.add_image(
            f'{mode}_enhance_{batch_idx}',
            np.concatenate(panels, 1),
            step=runner.iter)

    def after_val_iter(self,
                       runner,
                       batch_idx: int,
                       data_batch=None,
                       outputs=None) -> None:
        self._draw(runner, 'val', batch_idx, data_batch, outputs)

    def after_test_iter(self,
                        runner,
                        batch_idx: int,
                        data_batch=None,
                        outputs=None) -> None:
        self._draw(runner, 'test', batch_idx, data_batch, outputs)
