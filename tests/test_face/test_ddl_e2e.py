"""Train and test the DDL quickstart through tools/train.py and test.py."""
import glob
import json
import os
import os.path as osp

import pytest

from tests.tool_runner import ROOT, run_tool

CONFIG = osp.join(ROOT, 'configs', 'ddl', 'ddl_ir18_quickstart.py')


@pytest.mark.e2e
def test_train_then_test_ddl_quickstart(tmp_path):
    from mmext.face.datasets.ddl_quickstart_data import \
        prepare_quickstart_data
    quickstart = tmp_path / 'quickstart'
    prepare_quickstart_data(str(quickstart / 'ddl'))
    env = dict(os.environ, MMEXT_QUICKSTART_DIR=str(quickstart))
    work = str(tmp_path / 'work')
    # 2 epochs of 12 steps; DDL from step 6, so both phases are run
    tiny = [
        '--cfg-options', 'train_cfg.max_epochs=2', 'train_cfg.val_begin=2',
        'train_cfg.val_interval=2', 'model.train_cfg.ddl_start_iter=6',
        'default_hooks.checkpoint.interval=2',
        'default_hooks.logger.interval=6'
    ]
    log = run_tool(
        'tools/train.py', CONFIG, '--work-dir', work, *tiny, env=env)
    assert 'Epoch(train) [2][12/12]' in log
    # the three DDL terms are logged once DDL is on, the CE of both branches
    for term in ('loss_ce_easy', 'loss_ce_hard', 'loss_ddl_pos_kl',
                 'loss_ddl_neg_kl', 'loss_ddl_order'):
        assert term in log, term
    assert 'identification/d1/rank-1' in log

    checkpoint = osp.join(work, 'epoch_2.pth')
    test_dir = osp.join(work, 'test')
    run_tool(
        'tools/test.py', CONFIG, checkpoint, '--work-dir', test_dir, env=env)
    metrics_file = sorted(glob.glob(osp.join(test_dir, '*', '*.json')))[-1]
    with open(metrics_file) as f:
        metrics = json.loads(f.read().strip().splitlines()[-1])
    for distance in ('d1', 'd2', 'd3'):
        assert 0 <= metrics[f'identification/{distance}/rank-1'] <= 100
        assert metrics[f'identification/{distance}/rank-5'] >= \
            metrics[f'identification/{distance}/rank-1']
