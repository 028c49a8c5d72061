"""ARFlow end to end through tools/train.py and tools/test.py."""
import glob
import json
import os
import os.path as osp

import pytest

from tests.tool_runner import ROOT, run_tool

CONFIGS = osp.join(ROOT, 'configs', 'arflow')


@pytest.mark.e2e
def test_quickstart_config_trains_and_tests_with_the_tools(tmp_path):
    env = dict(
        os.environ,
        MMEXT_QUICKSTART_DIR=str(tmp_path / 'data'),
        OMP_NUM_THREADS='1')
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    config = osp.join(CONFIGS, 'arflow_quickstart.py')
    work = str(tmp_path / 'work')
    options = [
        '--cfg-options', 'train_cfg.max_iters=3',
        'default_hooks.checkpoint.interval=3',
        'default_hooks.logger.interval=1', 'train_dataloader.batch_size=2',
        'test_dataloader.dataset.indices=4'
    ]
    log = run_tool(
        'tools/train.py', config, '--work-dir', work, *options, env=env)
    assert 'Iter(train) [3/3]' in log and 'loss_ar' in log
    assert osp.isfile(
        osp.join(tmp_path, 'data', 'arflow', 'training', 'flow', 'scene_00',
                 'frame_0001.flo'))
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
    assert {'EPE', 'EPE_noc', 'EPE_occ'} <= set(metrics)
    assert 0 < metrics['EPE'] < 20
    # the visualisation hook wrote flow pictures
    assert glob.glob(
        osp.join(work, 'test', '*', 'vis_data', 'vis_image',
                 'test_flow_0_*.png'))
