"""EnhanceVisualizationHook writes low-light | enhanced | GT grids."""
import glob
import os.path as osp
from types import SimpleNamespace

import cv2
import torch
from mmengine.structures import BaseDataElement
from mmengine.visualization import Visualizer

from mmext.enhance.engine import EnhanceVisualizationHook


def test_hook_writes_a_grid(tmp_path):
    vis = Visualizer(
        name='enhance_hook_test',
        vis_backends=[dict(type='LocalVisBackend')],
        save_dir=str(tmp_path))
    runner = SimpleNamespace(visualizer=vis, iter=5)
    low = torch.full((3, 6, 4), 10, dtype=torch.uint8)
    sample = BaseDataElement(
        pred_img=torch.full((3, 6, 4), 120, dtype=torch.uint8),
        gt_img=torch.full((3, 6, 4), 200, dtype=torch.uint8))
    hook = EnhanceVisualizationHook(interval=1, max_images=1)
    hook.after_test_iter(runner, 0, dict(inputs=[low]), [sample])
    hook.after_test_iter(runner, 1, dict(inputs=[low]), [sample])  # > max
    files = glob.glob(osp.join(str(tmp_path), '**', 'test_enhance_*.png'),
                      recursive=True)
    assert len(files) == 1
    grid = cv2.imread(files[0])
    assert grid.shape == (6, 12, 3)
    assert [int(grid[0, x, 0]) for x in (0, 4, 8)] == [10, 120, 200]
