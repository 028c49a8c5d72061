"""Write predicted (and ground-truth) flow pictures during validation."""
from typing import Optional, Sequence

import numpy as np
from mmengine.hooks import Hook

from mmext.registry import HOOKS
from ...visualization import flow_to_color


@HOOKS.register_module()
class FlowVisualizationHook(Hook):
    """Send colour-coded flows to the runner's visualizer backends.

    For the first sample of every ``interval``-th validation / test batch,
    an image ``[frame 1 | prediction | ground truth]`` (the ground truth
    when labelled) is added with ``visualizer.add_image`` under
    ``<mode>_flow_<index>`` (``LocalVisBackend`` writes it below the work
    directory's ``vis_data/vis_image``).  Both flows share one colour scale.

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
        pred = sample.pred_flow_fw.detach().cpu().numpy().transpose(1, 2, 0)
        panels = [
            data_batch['inputs']['imgs'][0][0].cpu().numpy().transpose(
                1, 2, 0).astype(np.uint8)
        ]
        flows = [pred]
        if 'gt_flow_fw' in sample:
            flows.append(sample.gt_flow_fw.cpu().numpy().transpose(1, 2, 0))
        max_flow = max(np.linalg.norm(f, axis=2).max() for f in flows)
        panels += [flow_to_color(f, max_flow) for f in flows]
        runner.visualizer.add_image(
            f'{mode}_flow_{batch_idx}',
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
