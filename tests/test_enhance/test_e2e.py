"""CWAN end to end through tools/train.py and tools/test.py."""
import glob
import json
import os
import os.path as osp

import cv2
import pytest

from tests.tool_runner import ROOT, run_tool

CONFIGS = osp.join(ROOT, 'configs', 'cwan')


@pytest.mark.e2e
def test_quickstart_config_trains_and_tests_with_the_tools(tmp_path):
    env = dict(
        os.environ,
        MMEXT_QUICKSTART_DIR=str(tmp_path / 'data'),
        OMP_NUM_THREADS='1')
    config = osp.join(CONFIGS, 'cwan_quickstart.py')
    work = str(tmp_path / 'work')
    options = [
        '--cfg-options', 'train_cfg.max_iters=3',
        'default_hooks.checkpoint.interval=3',
        'default_hooks.logger.interval=1', 'train_dataloader.batch_size=2',
        'test_dataloader.dataset.indices=4'
    ]
    log = run_tool(
        'tools/train.py', config, '--work-dir', work, *options, env=env)
    assert 'Iter(train) [3/3]' in log and 'loss_att' in log
    assert osp.isfile(
        osp.join(tmp_path, 'data', 'cwan', 'our485', 'low', '0.png'))
    run_tool(
        'tools/test.py',
        config,
        osp.join(work, 'iter_3.pth'),
        '--work-dir',
        osp.join(work, 'test'),
        *options,
        env=env)
    log_file = sorted(glob.glob(osp.join(work, 'test', '*', '*.json')))[-1]
    metrics = json.loads(open(log_file).read().strip().splitlines()[-1])
    assert {'PSNR', 'SSIM', 'DeltaE', 'DeltaE_colorful'} <= set(metrics)
    assert 0 < metrics['PSNR'] < 50 and -1 <= metrics['SSIM'] <= 1
    # the visualisation hook wrote low-light | enhanced | GT grids
    assert glob.glob(
        osp.join(work, 'test', '*', 'vis_data', 'vis_image',
                 'test_enhance_0_*.png'))
    # the demo enhances a folder and writes the triptych
    data = osp.join(tmp_path, 'data', 'cwan', 'eval15')
    out = str(tmp_path / 'demo')
    run_tool('tools/misc/enhance_demo.py', config,
             osp.join(work, 'iter_3.pth'), osp.join(data, 'low'),
             '--out-dir', out, '--grid', '--gt-dir', osp.join(data, 'high'),
             env=env)
    grid = cv2.imread(osp.join(out, '48_grid.png'))
    assert grid.shape == (64, 192, 3)
    assert cv2.imread(osp.join(out, '59.png')).shape == (64, 64, 3)
