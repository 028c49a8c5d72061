"""A DBG quickstart run killed with ``kill -9`` and resumed logs the same
losses as an uninterrupted run (mmext.engine.RNGStateHook)."""
import glob
import json
import os
import os.path as osp
import signal
import subprocess
import sys
import time

import pytest

from tests.tool_runner import ROOT, run_tool

QUICKSTART = osp.join(ROOT, 'configs', 'dbg', 'dbg_quickstart.py')
EPOCHS = 4
#: Logged values that depend on the data, the model and the random draws.
NOT_COMPARED = {'time', 'data_time', 'eta', 'memory'}


def _env(tmp_path):
    env = dict(os.environ, MMEXT_QUICKSTART_DIR=str(tmp_path / 'data'),
               OMP_NUM_THREADS='1', MKL_NUM_THREADS='1')
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    return env


def _config(tmp_path):
    """The DBG quickstart with RNGStateHook added, as docs/reliability.md
    tells users to add it."""
    path = tmp_path / 'dbg_quickstart_rng.py'
    path.write_text(
        f'_base_ = [{QUICKSTART!r}]\n'
        "custom_imports = dict(imports=['mmext.action', 'mmext.engine'], "
        'allow_failed_imports=False)\n'
        "custom_hooks = [dict(type='RNGStateHook')]\n")
    return str(path)


def _args(work, config):
    return [
        'tools/train.py', config, '--work-dir', work, '--deterministic',
        '--cfg-options', f'train_cfg.max_epochs={EPOCHS}',
        f'param_scheduler.0.end={EPOCHS}', 'param_scheduler.0.milestones=[3]',
        'default_hooks.checkpoint.interval=1',
        'default_hooks.checkpoint.max_keep_ckpts=-1',
        'default_hooks.logger.interval=1',
        'train_dataloader.dataset.indices=32'
    ]


def _scalars(work):
    """Logged training scalars by step, from every run in ``work``."""
    steps = {}
    for path in sorted(glob.glob(osp.join(work, '*', 'vis_data',
                                          'scalars.json'))):
        with open(path) as f:
            for line in f:
                entry = json.loads(line)
                if 'loss' in entry:
                    steps.setdefault(path, {})[entry['step']] = {
                        k: v
                        for k, v in entry.items() if k not in NOT_COMPARED
                    }
    return steps


@pytest.mark.e2e
def test_killed_and_resumed_run_logs_the_uninterrupted_losses(tmp_path):
    env = _env(tmp_path)
    config = _config(tmp_path)
    full = str(tmp_path / 'full')
    run_tool(*_args(full, config), env=env)
    (expected, ) = _scalars(full).values()
    assert len(expected) == EPOCHS * 4  # 32 videos, batch 8

    work = str(tmp_path / 'killed')
    proc = subprocess.Popen([sys.executable, *_args(work, config)], cwd=ROOT,
                            env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    pointer = osp.join(work, 'last_checkpoint')
    deadline = time.time() + 120
    while time.time() < deadline and proc.poll() is None:
        if osp.isfile(pointer) and open(pointer).read().strip().endswith(
                'epoch_2.pth'):
            break
        time.sleep(0.02)
    assert proc.poll() is None, 'the run ended before it could be killed'
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert not osp.isfile(osp.join(work, f'epoch_{EPOCHS}.pth'))

    log = run_tool(*_args(work, config), '--resume', env=env)
    assert 'restored the Python, numpy and torch random states' in log
    resumed_epoch = int(log.split('resumed epoch: ')[1].split(',')[0])
    assert 2 <= resumed_epoch < EPOCHS
    resumed = _scalars(work)[max(_scalars(work))]
    assert sorted(resumed) == list(
        range(resumed_epoch * 4 + 1, EPOCHS * 4 + 1))
    for step, values in resumed.items():
        assert values == expected[step], step
