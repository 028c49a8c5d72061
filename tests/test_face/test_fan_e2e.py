"""Train and test the FAN quickstart through tools/train.py and test.py:
the three stages (FANStageHook) in one run, then the LR verification."""
import glob
import json
import os
import os.path as osp

import pytest

from tests.tool_runner import ROOT, run_tool

CONFIG = osp.join(ROOT, 'configs', 'fan', 'fan_ir18_quickstart.py')


@pytest.mark.e2e
def test_train_then_test_fan_quickstart(tmp_path):
    from mmext.face.datasets.fan_quickstart_data import \
        prepare_quickstart_data
    quickstart = tmp_path / 'quickstart'
    prepare_quickstart_data(str(quickstart / 'fan'))
    env = dict(os.environ, MMEXT_QUICKSTART_DIR=str(quickstart))
    work = str(tmp_path / 'work')
    # one step a stage: 32 images, batch 32, stages 0 / 1 / 2 at epochs 1-3
    tiny = [
        '--cfg-options', 'train_dataloader.dataset.indices=32',
        'train_dataloader.batch_size=32', 'train_cfg.max_epochs=3',
        'train_cfg.val_begin=3', 'train_cfg.val_interval=3',
        'custom_hooks.0.stage_epochs=(1,2)',
        'default_hooks.checkpoint.interval=3',
        'default_hooks.logger.interval=1'
    ]
    log = run_tool(
        'tools/train.py', CONFIG, '--work-dir', work, *tiny, env=env)
    for term in ('loss_cls', 'loss_pixel', 'loss_identity', 'loss_swap',
                 'loss_image_disc_real', 'loss_feature',
                 'loss_feature_adv', 'loss_feature_disc_fake'):
        assert term in log, term
    assert 'FANStageHook: stage 1 from epoch 2' in log
    assert 'FANStageHook: stage 2 from epoch 3' in log
    assert 'verification/val_lr/accuracy' in log

    checkpoint = osp.join(work, 'epoch_3.pth')
    test_dir = osp.join(work, 'test')
    run_tool(
        'tools/test.py', CONFIG, checkpoint, '--work-dir', test_dir, env=env)
    metrics_file = sorted(glob.glob(osp.join(test_dir, '*', '*.json')))[-1]
    with open(metrics_file) as f:
        metrics = json.loads(f.read().strip().splitlines()[-1])
    assert 40 <= metrics['verification/val_lr/accuracy'] <= 100
