"""tools/train.py and tools/test.py run a tiny config end to end."""
import glob
import json
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import torch

from mmext.compat import TRUSTED_CHECKPOINTS_ENV
from tests.test_compat import _crafted_checkpoints
from tests.tool_runner import ROOT, run_tool

TOY = osp.join(ROOT, 'tests', 'data', 'configs', 'toy_mmext.py')


def test_train_then_test_then_resume(tmp_path):
    work = str(tmp_path / 'toy')
    log = run_tool('tools/train.py', TOY, '--work-dir', work, '--cfg-options',
                   'train_cfg.max_epochs=2', '--seed', '3', '--deterministic')
    assert 'Epoch(train) [2][8/8]' in log
    assert osp.isfile(osp.join(work, 'epoch_2.pth'))
    ckpt = torch.load(osp.join(work, 'epoch_2.pth'), weights_only=False)
    assert ckpt['meta']['seed'] == 3

    # --resume without a value resumes from work_dir/last_checkpoint.
    log = run_tool('tools/train.py', TOY, '--work-dir', work, '--resume')
    assert 'resumed epoch: 2, iter: 16' in log
    assert 'Epoch(train) [3][8/8]' in log
    assert 'Epoch(train) [1]' not in log

    # A checkpoint of the work dir is the run's own (it holds mmengine's
    # HistoryBuffer objects); the results go to a timestamped sub-folder.
    out = osp.join(work, 'preds.pkl')
    log = run_tool('tools/test.py', TOY, osp.join(work, 'epoch_3.pth'),
                   '--work-dir', work, '--out', out)
    assert "loaded as the run's own" in log
    metrics_file = sorted(glob.glob(osp.join(work, '*', '*.json')))[-1]
    metrics = json.loads(open(metrics_file).read().strip().splitlines()[-1])
    assert metrics['mse'] < 1.0  # y = 3 x0 - 2 x1 + 1 is learnt
    assert osp.isfile(out)


def test_resume_from_explicit_checkpoint(tmp_path):
    work = str(tmp_path / 'toy')
    run_tool('tools/train.py', TOY, '--work-dir', work, '--cfg-options',
             'train_cfg.max_epochs=1')
    log = run_tool('tools/train.py', TOY, '--work-dir', str(tmp_path / 'b'),
                   '--resume', osp.join(work, 'epoch_1.pth'), '--cfg-options',
                   'train_cfg.max_epochs=2')
    assert 'resumed epoch: 1, iter: 8' in log


def test_bad_arguments_are_reported(tmp_path):
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run([
        sys.executable, 'tools/train.py', TOY, '--auto-scale-lr', '--work-dir',
        str(tmp_path)
    ],
                          cwd=ROOT,
                          env=env,
                          capture_output=True,
                          text=True)
    assert proc.returncode != 0
    assert 'auto_scale_lr' in proc.stderr and 'toy_mmext.py' in proc.stderr
    proc = subprocess.run([
        sys.executable, 'tools/test.py', TOY, 'x.pth', '--out', 'x.json',
        '--work-dir',
        str(tmp_path)
    ],
                          cwd=ROOT,
                          env=env,
                          capture_output=True,
                          text=True)
    assert proc.returncode != 0 and '.pkl' in proc.stderr


@pytest.mark.dist
def test_dist_train_two_gloo_ranks(tmp_path):
    work = str(tmp_path / 'dist')
    env = dict(os.environ, PORT='29631', CUDA_VISIBLE_DEVICES='')
    proc = subprocess.run([
        'bash', 'tools/dist_train.sh', TOY, '2', '--work-dir', work,
        '--cfg-options', 'train_cfg.max_epochs=2'
    ],
                          cwd=ROOT,
                          env=env,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    rank0 = torch.load(osp.join(work, 'rank0_weights.pth'))
    rank1 = torch.load(osp.join(work, 'rank1_weights.pth'))
    for key in rank0:
        torch.testing.assert_close(rank0[key], rank1[key], rtol=0, atol=0)
    # 32 samples, batch 4 per rank, 2 ranks: 4 iterations per epoch.
    log = proc.stdout + proc.stderr
    assert 'Epoch(train) [2][4/4]' in log
    # The weights moved away from their initialisation.
    assert not torch.equal(rank0['linear.weight'], torch.zeros(1, 2))


def test_training_anew_over_an_earlier_run_is_refused(tmp_path):
    work = str(tmp_path / 'toy')
    one_epoch = ['--cfg-options', 'train_cfg.max_epochs=1']
    run_tool('tools/train.py', TOY, '--work-dir', work, *one_epoch)
    env = dict(os.environ, PYTHONPATH=ROOT)
    proc = subprocess.run(
        [sys.executable, 'tools/train.py', TOY, '--work-dir', work,
         *one_epoch], cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode != 0
    assert f'the work directory {work} holds an earlier run' in proc.stderr
    assert 'epoch_1.pth' in proc.stderr and 'last_checkpoint' in proc.stderr
    assert '--resume' in proc.stderr and '--force' in proc.stderr
    log = run_tool('tools/train.py', TOY, '--work-dir', work, '--force',
                   *one_epoch)
    assert 'Epoch(train) [1][8/8]' in log


def _refused(*args, env=None):
    """Run a tool that must fail; its output."""
    env = dict(os.environ if env is None else env, PYTHONPATH=ROOT)
    proc = subprocess.run([sys.executable, *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    assert proc.returncode != 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    return proc.stdout + proc.stderr


def test_checkpoints_outside_the_work_dir_are_external_weights(tmp_path):
    """tools/test.py trusts only the work dir's checkpoints."""
    work = str(tmp_path / 'toy')
    run_tool('tools/train.py', TOY, '--work-dir', work, '--cfg-options',
             'train_cfg.max_epochs=1')
    # Results in a sub-folder of the run (tools/quickstart.py, READMEs).
    log = run_tool('tools/test.py', TOY, osp.join(work, 'epoch_1.pth'),
                   '--work-dir', osp.join(work, 'test'))
    assert "loaded as the run's own" in log
    elsewhere = str(tmp_path / 'downloaded.pth')
    shutil.copy(osp.join(work, 'epoch_1.pth'), elsewhere)
    log = _refused('tools/test.py', TOY, elsewhere, '--work-dir',
                   str(tmp_path / 'results'))
    assert 'loaded as external weights' in log
    assert 'HistoryBuffer' in log and TRUSTED_CHECKPOINTS_ENV in log
    # The user's opt-in, as tools/quickstart.py gives it for its own runs.
    env = dict(os.environ, **{TRUSTED_CHECKPOINTS_ENV: elsewhere})
    run_tool('tools/test.py', TOY, elsewhere, '--work-dir',
             str(tmp_path / 'results'), env=env)
    # A link in the work dir to a file elsewhere is not the run's own.
    os.symlink(elsewhere, osp.join(work, 'epoch_9.pth'))
    log = _refused('tools/test.py', TOY, osp.join(work, 'epoch_9.pth'),
                   '--work-dir', work)
    assert 'loaded as external weights' in log


def test_crafted_checkpoint_is_refused_by_every_tool_route(tmp_path):
    """getattr + _rebuild_from_type_v2 -> exec runs on no route."""
    marker, files = _crafted_checkpoints(tmp_path)
    evil = str(files['exec'])
    work = str(tmp_path / 'work')
    one_epoch = 'train_cfg.max_epochs=1'
    # load_from: external weights.
    log = _refused('tools/train.py', TOY, '--work-dir', work, '--cfg-options',
                   one_epoch, f'load_from={evil}')
    assert 'Refused to load checkpoint' in log and 'getattr' in log
    # --resume CKPT.
    log = _refused('tools/train.py', TOY, '--work-dir', work, '--resume',
                   evil, '--cfg-options', one_epoch)
    assert 'refused getattr' in log or 'Unsupported global' in log
    # --resume from the work dir, and tools/test.py on a crafted file that
    # sits in the work dir under mmengine's names: the run's own rule
    # (HistoryBuffer statistics only) still refuses it.
    os.makedirs(work, exist_ok=True)
    inside = osp.join(work, 'epoch_1.pth')
    shutil.copy(evil, inside)
    with open(osp.join(work, 'last_checkpoint'), 'w') as f:
        f.write(inside)
    log = _refused('tools/train.py', TOY, '--work-dir', work, '--resume')
    assert 'refused getattr' in log
    log = _refused('tools/test.py', TOY, inside, '--work-dir', work)
    assert "loaded as the run's own" in log and 'refused getattr' in log
    # tools/test.py on the file where it was downloaded.
    log = _refused('tools/test.py', TOY, evil, '--work-dir', work)
    assert 'loaded as external weights' in log
    assert 'Refused to load checkpoint' in log
    assert not marker.exists()
