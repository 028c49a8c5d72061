"""Packaging: the wheel carries the .mim files, and `mim train` works."""
import os
import os.path as osp
import shutil
import subprocess
import sys
import zipfile

import pytest
import yaml

from tests.child_venv import make_child_venv

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def test_model_index_imports_every_metafile():
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    listed = set(index['Import'] or [])
    on_disk = {
        osp.relpath(osp.join(d, 'metafile.yml'), ROOT)
        for d, _, files in os.walk(osp.join(ROOT, 'configs'))
        if 'metafile.yml' in files
    }
    assert listed == on_disk
    for path in listed:
        with open(osp.join(ROOT, path)) as f:
            meta = yaml.safe_load(f)
        assert meta['Collections'] and meta['Models'], path


@pytest.fixture(scope='module')
def wheel(tmp_path_factory):
    # Build from a copy: a build writes mmext/.mim, build/ and egg-info.
    src = tmp_path_factory.mktemp('src') / 'mmext'
    shutil.copytree(ROOT, src, ignore=shutil.ignore_patterns(
        '.git', 'work_dirs', 'data', '__pycache__', '.mim', 'build',
        '*.egg-info', '.pytest_cache'))
    out = tmp_path_factory.mktemp('wheel')
    subprocess.run(
        [sys.executable, '-m', 'pip', 'wheel', '--no-deps',
         '--no-build-isolation', '-q', '-w', str(out), str(src)],
        check=True, cwd=str(src))
    wheels = [f for f in os.listdir(out) if f.endswith('.whl')]
    assert len(wheels) == 1
    return osp.join(out, wheels[0])


@pytest.mark.e2e
def test_wheel_contents(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert 'mmext/.mim/tools/train.py' in names
    assert 'mmext/.mim/tools/dist_train.sh' in names
    assert 'mmext/.mim/model-index.yml' in names
    assert not any(n.startswith(('tests/', 'projects/', 'configs/'))
                   for n in names)
    for d, _, files in os.walk(osp.join(ROOT, 'configs')):
        for f in files:
            if f.endswith('.py'):
                rel = osp.relpath(osp.join(d, f), ROOT)
                assert f'mmext/.mim/{rel}' in names


@pytest.mark.e2e
def test_mim_train_from_non_editable_install(wheel, tmp_path):
    venv = tmp_path / 'venv'
    python = make_child_venv(str(venv))
    subprocess.run([python, '-m', 'pip', 'install', '-q', '--no-deps',
                    wheel], check=True)
    site = subprocess.run(
        [python, '-c', 'import mmext, os; print(os.path.dirname('
         'mmext.__file__))'], check=True, capture_output=True, text=True,
        cwd=str(tmp_path)).stdout.strip()
    assert site.startswith(str(venv)), site
    # The toy config imports tests.data.toy_modules: expose tests/ alone,
    # so that mmext itself comes from the venv, not from the checkout.
    (tmp_path / 'pkgs').mkdir()
    os.symlink(osp.join(ROOT, 'tests'), tmp_path / 'pkgs' / 'tests')
    env = dict(os.environ, PYTHONPATH=str(tmp_path / 'pkgs'))
    config = osp.join(ROOT, 'tests', 'data', 'configs', 'toy_mmext.py')
    proc = subprocess.run(
        [python, '-m', 'mim', 'train', 'mmext', config, '--work-dir',
         str(tmp_path / 'work'), '--cfg-options', 'train_cfg.max_epochs=1'],
        env=env, capture_output=True, text=True, cwd=str(tmp_path))
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert osp.isfile(tmp_path / 'work' / 'epoch_1.pth')
    assert osp.join(site, '.mim', 'tools', 'train.py') in proc.stdout + \
        proc.stderr
