"""Train and test the CurricularFace quickstart through the tools."""
import glob
import json
import os
import os.path as osp

import pytest
import torch

from tests.tool_runner import ROOT, run_tool

CONFIG = osp.join(ROOT, 'configs', 'curricularface',
                  'curricularface_ir18_quickstart.py')


@pytest.mark.e2e
def test_train_then_test_quickstart(tmp_path, quickstart_dir):
    env = dict(os.environ, MMEXT_QUICKSTART_DIR=str(quickstart_dir))
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    work = str(tmp_path / 'work')
    tiny = [
        '--cfg-options', 'train_cfg.max_epochs=1', 'train_cfg.val_interval=1',
        'train_cfg.val_begin=1',
        'default_hooks.checkpoint.interval=1',
        'train_dataloader.dataset.indices=128'
    ]
    log = run_tool(
        'tools/train.py', CONFIG, '--work-dir', work, *tiny, env=env)
    assert 'Epoch(train) [1][2/2]' in log
    assert 'verification/val/accuracy' in log
    checkpoint = osp.join(work, 'epoch_1.pth')
    state = torch.load(
        checkpoint, map_location='cpu', weights_only=False)['state_dict']
    assert state['head.t'].item() > 0  # the curriculum parameter is saved

    test_dir = osp.join(work, 'test')
    run_tool(
        'tools/test.py', CONFIG, checkpoint, '--work-dir', test_dir, env=env)
    metrics_file = sorted(glob.glob(osp.join(test_dir, '*', '*.json')))[-1]
    with open(metrics_file) as f:
        metrics = json.loads(f.read().strip().splitlines()[-1])
    assert 0 <= metrics['verification/val/accuracy'] <= 100
    assert 'verification/val/tar@far=1e-3' in metrics
