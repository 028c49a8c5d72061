"""DBG end to end through the mmaction2 runner."""
import glob
import json
import os
import os.path as osp

import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner

import mmext.action  # noqa: F401  compat shims before mmaction.models
from tests.tool_runner import ROOT, run_tool

CONFIGS = osp.join(ROOT, 'configs', 'dbg')


@pytest.mark.e2e
def test_quickstart_config_trains_and_tests_with_the_tools(tmp_path):
    env = dict(os.environ, MMEXT_QUICKSTART_DIR=str(tmp_path / 'data'))
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    config = osp.join(CONFIGS, 'dbg_quickstart.py')
    work = str(tmp_path / 'work')
    options = [
        '--cfg-options', 'train_cfg.max_epochs=1', 'train_cfg.val_begin=2',
        'param_scheduler.0.end=1', 'default_hooks.checkpoint.interval=1',
        'train_dataloader.dataset.indices=16',
        'test_dataloader.dataset.indices=12',
        f'test_evaluator.dump_config.out={tmp_path}/results.json'
    ]
    log = run_tool(
        'tools/train.py', config, '--work-dir', work, *options, env=env)
    assert 'Epoch(train) [1]' in log
    assert osp.isfile(
        osp.join(tmp_path, 'data', 'dbg', 'anet_anno_train.json'))
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
    assert {'auc', 'AR@1', 'AR@5', 'AR@10', 'AR@100'} <= set(metrics)
    assert 0 < metrics['AR@100'] <= 1 and metrics['auc'] > 0
    results = json.load(open(tmp_path / 'results.json'))['results']
    assert len(results) == 12  # every tested video, batch size 8
    assert all(len(p) == 100 for p in results.values())


@pytest.mark.e2e
def test_thumos14_config_runs_on_sliding_windows(tmp_path):
    """The THUMOS14 config, shrunk: windows of 16 snippets of 8-d features."""
    rng = np.random.default_rng(0)
    features = tmp_path / 'features'
    features.mkdir()
    database = {}
    for v in range(4):
        snippets = 40 + 10 * v
        data = rng.normal(size=(snippets, 8)).astype(np.float32)
        data[10:18] += 2  # one action, snippets 10-17 = 2.0-3.6 s
        name = f'video_validation_{v:07d}'
        np.savetxt(
            str(features / f'{name}.csv'),
            data,
            delimiter=',',
            header=','.join(f'f{i}' for i in range(8)),
            comments='')
        database[name] = dict(
            duration_second=snippets / 5,
            duration_frame=snippets * 5,
            feature_frame=snippets * 5,
            fps=25.,
            annotations=[dict(segment=[2.0, 3.6], label='x')])
    ann = str(tmp_path / 'anno.json')
    with open(ann, 'w') as f:
        json.dump(database, f)
    cfg = Config.fromfile(
        osp.join(CONFIGS, 'dbg_400x128_1xb16-12e_thumos14-feature.py'))
    cfg.work_dir = str(tmp_path / 'work')
    cfg.model.update(
        temporal_dim=16,
        feat_dim=8,
        stream_dims=(4, 4),
        dsb_hidden_dims=(8, 4),
        acr_hidden_dim=4,
        tbc_hidden_dim_3d=4,
        tbc_hidden_dim_2d=4,
        post_process_top_k=20)
    for loader in (cfg.train_dataloader, cfg.test_dataloader,
                   cfg.val_dataloader):
        loader.update(batch_size=2, num_workers=0, persistent_workers=False)
        loader.dataset.update(
            ann_file=ann,
            window_size=16,
            window_stride=8,
            data_prefix=dict(video=str(features)))
    for evaluator in (cfg.val_evaluator, cfg.test_evaluator):
        evaluator.update(
            proposal_nums=(10, 20, 50, 100),
            dump_config=dict(out=str(tmp_path / 'r.json')))
    cfg.train_cfg.update(max_epochs=1, val_begin=2)
    cfg.param_scheduler[0].end = 1
    cfg.default_hooks.checkpoint.update(interval=1, save_best=None)
    runner = Runner.from_cfg(cfg)
    runner.train()
    metrics = runner.test()
    assert set(metrics) == {'auc', 'AR@10', 'AR@20', 'AR@50', 'AR@100'}
    assert 0 < metrics['AR@100'] <= 1
    merged = json.load(open(tmp_path / 'r.json'))['results']
    assert sorted(merged) == sorted(database)
    for name, proposals in merged.items():
        assert all(0 <= p['segment'][0] < p['segment'][1] <=
                   database[name]['duration_second'] + 1e-6 for p in proposals)
