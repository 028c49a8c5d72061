"""ASFD end to end through the mmdet runner (tools/train.py, tools/test.py)
and one Auto-FEM search step through DARTSSearchLoop."""
import glob
import json
import os
import os.path as osp

import pytest
import torch
from mmengine.config import Config
from mmengine.hooks import Hook
from mmengine.runner import Runner

import mmext.det  # noqa: F401
from mmext.det.datasets.wider_face_quickstart_data import \
    prepare_quickstart_data
from tests.tool_runner import ROOT, run_tool

CONFIGS = osp.join(ROOT, 'configs', 'asfd')


@pytest.mark.e2e
def test_quickstart_config_trains_and_tests_with_the_tools(tmp_path):
    env = dict(os.environ, MMEXT_QUICKSTART_DIR=str(tmp_path / 'data'))
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    config = osp.join(CONFIGS, 'asfd_d0_quickstart.py')
    work = str(tmp_path / 'work')
    options = [
        '--cfg-options', 'train_cfg.max_epochs=1', 'train_cfg.val_begin=2',
        'param_scheduler.1.end=1', 'default_hooks.checkpoint.interval=1',
        'default_hooks.logger.interval=1',
        'train_dataloader.dataset.indices=4',
        'test_dataloader.dataset.indices=4'
    ]
    log = run_tool(
        'tools/train.py', config, '--work-dir', work, *options, env=env)
    assert 'Epoch(train) [1][1/1]' in log
    for name in ('loss_cls', 'loss_bbox', 'fs_loss_cls', 'fs_loss_bbox'):
        assert name in log
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
    for setting in ('easy', 'medium', 'hard'):
        assert 0 <= metrics[f'wider_face/{setting}'] <= 1


@pytest.mark.e2e
def test_search_loop_alternates_architecture_and_weight_steps(tmp_path):
    data_root = str(tmp_path / 'data') + '/'
    prepare_quickstart_data(data_root)
    cfg = Config.fromfile(
        osp.join(CONFIGS, 'asfd-d1_r18_autofem-search_8xb4-50e_widerface.py'))
    quick = Config.fromfile(osp.join(CONFIGS, 'asfd_d0_quickstart.py'))
    cfg.model.backbone = quick.model.backbone
    width = 8
    cfg.model.neck.update(
        in_channels=quick.model.neck.in_channels,
        out_channels=width,
        extra_channels=(width, width))
    for head in (cfg.model.bbox_head, cfg.model.first_shot_head):
        head.update(in_channels=[width] * 6, feat_channels=width)
    loaders = (cfg.train_dataloader, cfg.train_cfg.search_dataloader)
    for loader, indices in zip(loaders, ([0], [1])):
        loader.update(num_workers=0, persistent_workers=False, batch_size=1)
        loader.dataset.update(
            data_root=data_root,
            indices=indices,
            pipeline=quick.train_dataloader.dataset.pipeline)
    cfg.train_cfg.update(max_epochs=2, arch_begin=1, val_interval=3)
    cfg.param_scheduler.weights[0].update(T_max=2, end=2)
    cfg.val_evaluator.gt_dir = data_root + 'eval_tools/ground_truth/'
    cfg.val_dataloader.dataset.data_root = data_root
    cfg.val_dataloader.update(num_workers=0, persistent_workers=False)
    cfg.default_hooks.checkpoint.update(interval=2, save_best=None)
    cfg.default_hooks.logger.interval = 1
    cfg.work_dir = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    neck = runner.model.neck
    snapshots = []

    class Snapshot(Hook):

        def after_train_epoch(self, runner):
            snapshots.append(
                dict(
                    tau=neck.tau,
                    lateral=neck.laterals[0].conv.weight.detach().clone(),
                    **{
                        n: p.detach().clone()
                        for n, p in neck.named_parameters()
                        if n.startswith('arch_')
                    }))

    runner.register_hook(Snapshot())
    initial = {
        n: p.detach().clone()
        for n, p in neck.named_parameters() if n.startswith('arch_')
    }
    assert len(initial) == 5
    runner.train()
    warmup, search = snapshots
    # warm-up epoch: weights only, temperature at its start value
    assert warmup['tau'] == 10.0
    for name, value in initial.items():
        assert torch.equal(warmup[name], value), name
    assert not torch.equal(warmup['lateral'], search['lateral'])
    # search epoch: every architecture parameter moved, tau annealed
    assert search['tau'] == pytest.approx(0.1)
    for name in initial:
        assert not torch.equal(search[name], warmup[name]), name
    scalars = runner.message_hub.log_scalars
    assert 'train/arch_loss' in scalars and 'train/loss' in scalars
    assert runner.optim_wrapper['architecture'].optimizer.param_groups[0][
        'params'][0] is neck.arch_top_down

    # the derive tool writes a detector config with the found genotype
    search_cfg = str(tmp_path / 'search.py')
    cfg.dump(search_cfg)
    fixed = Config.fromfile(search_cfg)
    fixed.model.neck.type = 'AutoFEM'
    for key in ('partial_channels', 'tau', 'noise_scale'):
        fixed.model.neck.pop(key)
    base = str(tmp_path / 'fixed.py')
    fixed.dump(base)
    out = str(tmp_path / 'searched.py')
    run_tool(
        'tools/analysis_tools/asfd_derive_genotype.py',
        search_cfg,
        str(tmp_path / 'work' / 'epoch_2.pth'),
        '--out',
        out,
        '--base',
        base,
        env=dict(os.environ, PYTHONPATH=ROOT))
    derived = Config.fromfile(out).model.neck
    genotype = neck.derive_genotype()
    assert derived.type == 'AutoFEM'
    assert derived.fpn_genotype == genotype['fpn_genotype']
    assert [[tuple(p) for p in node] for node in derived.context_genotype
            ] == [[tuple(p) for p in node]
                  for node in genotype['context_genotype']]
    from mmdet.registry import MODELS
    assert type(MODELS.build(derived)).__name__ == 'AutoFEM'
