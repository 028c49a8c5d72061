"""RANet end to end through the mmpose runner (tools/train.py, test.py)."""
import glob
import json
import os
import os.path as osp

import pytest

from tests.tool_runner import ROOT, run_tool

CONFIGS = osp.join(ROOT, 'configs', 'ranet')


@pytest.mark.e2e
def test_quickstart_config_trains_and_tests_with_the_tools(tmp_path):
    env = dict(
        os.environ,
        MMEXT_QUICKSTART_DIR=str(tmp_path / 'data'),
        OMP_NUM_THREADS='1')
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    config = osp.join(CONFIGS, 'ranet_quickstart.py')
    work = str(tmp_path / 'work')
    options = [
        '--cfg-options', 'train_cfg.max_epochs=1', 'train_cfg.val_begin=2',
        'param_scheduler.1.end=1', 'default_hooks.checkpoint.interval=1',
        'train_dataloader.batch_size=8', 'train_dataloader.dataset.indices=16',
        'test_dataloader.dataset.indices=12'
    ]
    log = run_tool(
        'tools/train.py', config, '--work-dir', work, *options, env=env)
    assert 'Epoch(train) [1][2/2]' in log
    assert 'loss_vis' in log and 'loss_kpt' in log
    data = tmp_path / 'data' / 'ranet'
    assert (data / 'annotations' / 'mpii_gt_val.mat').is_file()
    assert (data / 'part_library' / 'index.json').is_file()
    run_tool(
        'tools/test.py',
        config,
        osp.join(work, 'epoch_1.pth'),
        '--work-dir',
        osp.join(work, 'test'),
        *options,
        env=env)
    log_file = sorted(glob.glob(osp.join(work, 'test', '*', '*.json')))[-1]
    metrics = json.loads(open(log_file).read().strip().splitlines()[-1])
    assert {'PCK', 'PCK@0.1', 'Head PCK', 'Ankle PCK'} <= set(metrics)
    assert 0 <= metrics['PCK'] <= 100
