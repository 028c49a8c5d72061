"""mim as the front door: ``mim install [-e] .``, then ``mim train``,
``mim test``, ``mim run`` and ``mim search`` on mmext."""
import importlib.util
import os
import os.path as osp
import shutil
import subprocess
import sys

import pytest
import yaml
from mmengine.config import Config

from tests.child_venv import make_child_venv

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def _load_setup():
    spec = importlib.util.spec_from_file_location('mmext_setup',
                                                  osp.join(ROOT, 'setup.py'))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _metafiles() -> list:
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        index = yaml.safe_load(f)
    metas = []
    for path in index['Import']:
        with open(osp.join(ROOT, path)) as f:
            metas.append(yaml.safe_load(f))
    return metas


def _methods() -> set:
    return {c['Name'] for m in _metafiles() for c in m['Collections']}


def test_editable_forwarders(tmp_path):
    files = _load_setup().mim_forwarders(ROOT)
    tools = {
        osp.relpath(osp.join(d, f), ROOT)
        for d, _, names in os.walk(osp.join(ROOT, 'tools')) for f in names
        if f.endswith(('.py', '.sh'))
    }
    assert {f'mmext/.mim/{t}' for t in tools} <= set(files)
    # A config forwarder is the checkout's config.
    rel = 'configs/dbg/dbg_quickstart.py'
    stub = tmp_path / 'dbg_quickstart.py'
    stub.write_text(files[f'mmext/.mim/{rel}'])
    assert Config.fromfile(str(stub)).to_dict() == Config.fromfile(
        osp.join(ROOT, rel)).to_dict()
    # A tool forwarder runs the checkout's script with its own argv.
    script = tmp_path / 'train.py'
    script.write_text(files['mmext/.mim/tools/train.py'])
    out = subprocess.run([sys.executable, str(script), '--help'],
                         capture_output=True, text=True, check=True).stdout
    assert '--resume' in out
    # The model index imports every metafile of the checkout.
    index = yaml.safe_load(files['mmext/.mim/model-index.yml'])
    with open(osp.join(ROOT, 'model-index.yml')) as f:
        expected = yaml.safe_load(f)['Import']
    assert index['Import'] == sorted(osp.join(ROOT, p) for p in expected)


def test_model_index_passes_validation():
    from modelindex.load_model_index import load
    index = load(osp.join(ROOT, 'model-index.yml'))
    errors = index.check(silent=True)
    assert not errors, errors
    models = index.models
    assert models and {m.in_collection for m in models} == _methods()
    for model in models:
        assert model.config and osp.isfile(osp.join(ROOT, model.config)), \
            model.name
        assert model.paper or model.in_collection, model.name


def _copy_checkout(dst):
    shutil.copytree(ROOT, dst, ignore=shutil.ignore_patterns(
        '.git', 'work_dirs', 'data', '__pycache__', '.mim', 'build',
        '*.egg-info', '.pytest_cache'))


@pytest.mark.e2e
@pytest.mark.parametrize('editable', [True, False],
                         ids=['mim-install-e', 'mim-install'])
def test_mim_install_train_test_run_search(tmp_path, editable):
    src = tmp_path / 'mmext'
    _copy_checkout(src)
    python = make_child_venv(str(tmp_path / 'venv'))
    env = dict(os.environ, MMEXT_QUICKSTART_DIR=str(tmp_path / 'data'))
    env.pop('PYTHONPATH', None)
    work = tmp_path / 'work'
    cwd = tmp_path / 'elsewhere'  # not the checkout: mim must find it
    cwd.mkdir()

    def mim(*args):
        proc = subprocess.run([python, '-m', 'mim', *args],
                              env=env,
                              cwd=str(cwd),
                              capture_output=True,
                              text=True)
        assert proc.returncode == 0, (' '.join(args) + '\n' +
                                      proc.stdout[-3000:] +
                                      proc.stderr[-3000:])
        return proc.stdout + proc.stderr

    mim('install', *(['-e'] if editable else []), str(src))
    where = subprocess.run(
        [python, '-c', 'import mmext; print(mmext.__file__)'],
        env=env, cwd=str(cwd), capture_output=True, text=True,
        check=True).stdout.strip()
    if editable:
        assert osp.realpath(where) == str(src / 'mmext' / '__init__.py')
    else:
        assert where.startswith(str(tmp_path / 'venv')), where

    # By config name: mim finds it in mmext/.mim/configs.
    out = mim('train', 'mmext', 'dbg_quickstart.py', '--work-dir',
              str(work), '--cfg-options', 'train_cfg.max_epochs=1')
    assert osp.isfile(work / 'epoch_1.pth'), out
    out = mim('test', 'mmext', 'dbg_quickstart.py', '--checkpoint',
              str(work / 'epoch_1.pth'), '--work-dir', str(work / 'test'))
    assert 'auc' in out
    out = mim('run', 'mmext', 'quickstart', '--list')
    assert 'dbg' in out
    out = mim('search', 'mmext')
    for meta in _metafiles():
        for model in meta['Models']:
            assert f'config id: {model["Name"]}' in out, model['Name']
    shown = {line.split()[-1] for line in out.splitlines()
             if line.startswith('model ')}
    assert shown == {m.lower() for m in _methods()}


def test_config_names_are_unique_in_the_package():
    # mim looks a config name up in the whole installed package (modules
    # and .mim/), so no module may share a config's file name.
    def names(folder):
        return {f for _, _, files in os.walk(osp.join(ROOT, folder))
                for f in files if f.endswith('.py')}
    configs = [f for d, _, files in os.walk(osp.join(ROOT, 'configs'))
               for f in files if f.endswith('.py')]
    assert len(configs) == len(set(configs))
    assert not set(configs) & (names('mmext') | names('tools'))
