"""tools/train.py and tools/test.py run a tiny config end to end."""
import glob
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch

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

    test_dir = osp.join(work, 'test')
    out = osp.join(work, 'preds.pkl')
    run_tool('tools/test.py', TOY, osp.join(work, 'epoch_3.pth'), '--work-dir',
             test_dir, '--out', out)
    metrics_file = sorted(glob.glob(osp.join(test_dir, '*', '*.json')))[-1]
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
