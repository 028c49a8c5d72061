"""mmext.engine.RNGStateHook: random states in checkpoints."""
import glob
import os.path as osp
import random

import numpy as np
import torch
from mmengine.config import Config
from mmengine.runner import Runner

import mmext.engine  # noqa: F401  registers RNGStateHook
from mmext.engine.rng_state_hook import get_rng_state, set_rng_state

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _draws():
    return (random.random(), float(np.random.rand()),
            float(np.random.randn()), float(torch.rand(1)))


def test_states_round_trip_through_the_weights_only_loader(tmp_path):
    from mmengine.runner.checkpoint import _load_checkpoint
    np.random.randn()  # a cached gaussian is part of numpy's state
    path = str(tmp_path / 'rng.pth')
    torch.save({'state_dict': {}, 'rng_state': get_rng_state()}, path)
    expected = _draws()
    # Loaded as external weights: no global beyond numpy's is needed.
    set_rng_state(_load_checkpoint(path)['rng_state'])
    assert _draws() == expected


def _toy_runner(work_dir, resume=False):
    cfg = Config.fromfile(osp.join(ROOT, 'tests/data/configs/toy_mmext.py'))
    cfg.work_dir = str(work_dir)
    cfg.train_cfg.max_epochs = 2
    cfg.resume = resume
    cfg.default_hooks.checkpoint = dict(
        type='CheckpointHook', interval=4, by_epoch=False)
    cfg.custom_hooks = [dict(type='RNGStateHook')]
    cfg.experiment_name = f'{osp.basename(work_dir)}_{resume}'
    return Runner.from_cfg(cfg)


def test_mid_epoch_resume_says_what_happens(tmp_path):
    first = _toy_runner(tmp_path / 'w')
    first.train()
    ckpt = torch.load(str(tmp_path / 'w' / 'iter_12.pth'), weights_only=False)
    assert {'python', 'numpy', 'torch', 'sampler_seed',
            'dataloader_generator'} <= set(ckpt['rng_state'])
    with open(tmp_path / 'w' / 'last_checkpoint', 'w') as f:
        f.write(str(tmp_path / 'w' / 'iter_12.pth'))  # epoch 2, batch 4 of 8
    resumed = _toy_runner(tmp_path / 'w', resume=True)
    resumed.train()
    logs = sorted(glob.glob(osp.join(str(tmp_path / 'w'), '*', '*.log')))
    with open(logs[-1]) as f:
        text = f.read()
    assert 'resumed from a mid-epoch checkpoint (epoch 2, 4 of 8 batches' \
        in text
    assert 'those 4 batches are trained twice' in text
    assert 'restored the Python, numpy and torch random states' in text
