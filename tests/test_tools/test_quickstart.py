"""tools/quickstart.py: discovery, table, and the data contract."""
import importlib.util
import json
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config

from mmext.quickstart import prepare_data, resolve, write_once

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
spec = importlib.util.spec_from_file_location(
    'quickstart_tool', osp.join(ROOT, 'tools', 'quickstart.py'))
quickstart_tool = importlib.util.module_from_spec(spec)
spec.loader.exec_module(quickstart_tool)

CALLS = []


def fake_prepare(data_root):
    CALLS.append(data_root)


def test_find_configs(tmp_path):
    for method in ('a', 'b'):
        (tmp_path / method).mkdir()
        (tmp_path / method / f'{method}_quickstart.py').write_text('x = 1')
        (tmp_path / method / f'{method}_paper.py').write_text('x = 1')
    found = quickstart_tool.find_quickstart_configs(str(tmp_path))
    assert list(found) == ['a', 'b']
    assert found['a'].endswith('a/a_quickstart.py')
    (tmp_path / 'a' / 'a2_quickstart.py').write_text('x = 1')
    with pytest.raises(RuntimeError, match='two quickstart configs'):
        quickstart_tool.find_quickstart_configs(str(tmp_path))


def test_every_repo_quickstart_config_declares_its_contract():
    for method, path in quickstart_tool.find_quickstart_configs(
            osp.join(ROOT, 'configs')).items():
        cfg = Config.fromfile(path)
        assert {'task', 'metric', 'prepare'} <= set(cfg.quickstart), method
        assert 'quickstart' in cfg.data_root, method
        assert callable(resolve(cfg.quickstart.prepare)), method


def test_summarise_and_verdict_by_hand():
    mean, std = quickstart_tool.summarise([1., 2., 3.])
    assert mean == 2. and std == 1.  # sample std: sqrt(2 / 2)
    assert quickstart_tool.summarise([5.]) == (5., 0.)
    # lead 2 - 1 = 1 against spread 1 + 0: not more than the spread
    assert quickstart_tool.verdict([1., 2., 3.], [1., 1., 1.],
                                   True).startswith('no')
    assert quickstart_tool.verdict([3., 4., 5.], [1., 1., 1.],
                                   True).startswith('yes (+3 vs 1)')
    # lower is better: 1 below 4 by 3, spread 0
    assert quickstart_tool.verdict([1., 1.], [4., 4.],
                                   False).startswith('yes (+3 vs 0)')
    assert quickstart_tool.verdict([4., 4.], [1., 1.],
                                   False).startswith('no (-3 vs 0)')


def test_format_table():
    table = quickstart_tool.format_table([
        dict(name='curricularface', task='face recognition',
             metric='verification/accuracy', values=[0.91234, 0.9],
             seconds=[61.2, 62.8]),
        dict(name='x', task='t', metric='m', values=[3.], seconds=[1.],
             ahead='yes (+1 vs 0.1)')
    ])
    lines = table.splitlines()
    assert [c.strip() for c in lines[0].split('|')] == [
        'config', 'task', 'metric', 'mean ± std', 'per seed',
        'method ahead', 's/run'
    ]
    assert '0.9062 ± 0.0087' in lines[2] and '0.9123 0.9000' in lines[2]
    assert lines[2].rstrip().endswith('62')
    assert 'yes (+1 vs 0.1)' in lines[3]
    assert len({len(line) for line in lines}) == 1


def write_toy_quickstart(root, data_root):
    """A toy method (3 epochs) and a 1-epoch baseline of the toy config."""
    folder = root / 'toy'
    folder.mkdir(parents=True)
    toy = osp.join(ROOT, 'tests', 'data', 'configs', 'toy_mmext.py')
    (folder / 'toy_quickstart.py').write_text(
        f'_base_ = [{toy!r}]\n'
        f'data_root = {str(data_root)!r}\n'
        'quickstart = dict(task="regression", metric="mse",\n'
        '    greater_is_better=False,\n'
        '    prepare="tests.data.toy_modules.prepare_toy_data",\n'
        '    compare=["toy_short_baseline.py"])\n'
        'custom_hooks = []\n')
    (folder / 'toy_short_baseline.py').write_text(
        '_base_ = ["./toy_quickstart.py"]\n'
        'train_cfg = dict(max_epochs=1)\n'
        'optim_wrapper = dict(optimizer=dict(lr=0.001))\n')


@pytest.mark.e2e
def test_quickstart_runs_seeds_baselines_and_the_untrained_reference(
        tmp_path):
    write_toy_quickstart(tmp_path / 'configs', tmp_path / 'data')
    work = tmp_path / 'work'
    proc = subprocess.run([
        sys.executable, osp.join(ROOT, 'tools', 'quickstart.py'),
        '--config-dir', str(tmp_path / 'configs'), '--seeds', '0,1',
        '--jobs', '2', '--work-dir', str(work)
    ], cwd=ROOT, capture_output=True, text=True,
        env=dict(os.environ, PYTHONPATH=ROOT))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    results = json.loads((work / 'results.json').read_text())
    assert results['seeds'] == [0, 1] and results['threads'] == 1
    rows = {r['name']: r for r in results['rows']}
    assert list(rows) == ['toy', 'toy_short_baseline', 'toy untrained']
    assert [r['kind'] for r in rows.values()] == [
        'method', 'baseline', 'reference']
    for name in ('toy', 'toy_short_baseline'):
        assert rows[name]['seeds'] == [0, 1]
        assert len(rows[name]['values']) == 2
    # the reference is one run, of the first seed
    assert rows['toy untrained']['seeds'] == [0]
    # every seed was trained with that seed
    for seed in (0, 1):
        ckpt = torch.load(work / 'toy' / f'seed_{seed}' / 'epoch_3.pth',
                          weights_only=False)
        assert ckpt['meta']['seed'] == seed
    toy, untrained = rows['toy'], rows['toy untrained']
    assert max(toy['values']) < min(untrained['values'])
    assert rows['toy untrained']['ahead'].startswith('yes')
    assert 'toy untrained' in proc.stdout and 'mean ± std' in proc.stdout


def test_bad_seeds_are_refused():
    proc = subprocess.run([
        sys.executable, osp.join(ROOT, 'tools', 'quickstart.py'), '--seeds',
        'a,b'
    ], capture_output=True, text=True)
    assert proc.returncode == 2 and "--seeds 'a,b'" in proc.stderr


def test_prepare_data_contract(tmp_path):
    cfg = Config(dict(data_root=str(tmp_path / 'm'), quickstart=dict(
        prepare=f'{__name__}.fake_prepare')))
    assert prepare_data(cfg) == str(tmp_path / 'm')
    assert CALLS[-1] == str(tmp_path / 'm')
    assert prepare_data(Config(dict(data_root='x'))) is None
    with pytest.raises(KeyError, match='data_root'):
        prepare_data(Config(dict(quickstart=dict(prepare='a.b'))))
    with pytest.raises(ImportError, match='no_such_module'):
        prepare_data(Config(dict(data_root=str(tmp_path), quickstart=dict(
            prepare='no_such_module.prepare'))))


def test_read_test_metrics(tmp_path):
    (tmp_path / '20260101_000000').mkdir()
    (tmp_path / '20260101_000000' / '20260101_000000.json').write_text(
        '{"acc": 0.5}\n')
    assert quickstart_tool.read_test_metrics(str(tmp_path)) == {'acc': 0.5}
    with pytest.raises(FileNotFoundError):
        quickstart_tool.read_test_metrics(str(tmp_path / 'none'))


def test_write_once_is_atomic_and_keyed_by_its_stamp(tmp_path):
    root = str(tmp_path / 'data')
    calls = []

    def write(folder, text='a'):
        calls.append(folder)
        os.makedirs(folder)
        with open(osp.join(folder, 'x.txt'), 'w') as f:
            f.write(text)

    assert write_once(root, write, 'v1 0') == root
    assert write_once(root, write, 'v1 0') == root  # cached: not rewritten
    assert len(calls) == 1 and calls[0].startswith(root + '.tmp-')
    with open(osp.join(root, '.complete')) as f:
        assert f.read() == 'v1 0\n'

    def broken(folder):
        write(folder, 'b')
        raise RuntimeError('interrupted')

    # a new stamp rewrites, and a failed write keeps the old dataset whole
    with pytest.raises(RuntimeError, match='interrupted'):
        write_once(root, broken, 'v2 0')
    with open(osp.join(root, 'x.txt')) as f:
        assert f.read() == 'a'
    write_once(root, lambda folder: write(folder, 'c'), 'v2 0')
    with open(osp.join(root, 'x.txt')) as f:
        assert f.read() == 'c'
    assert os.listdir(tmp_path) == ['data']  # no temporary folder left


def test_write_once_concurrent_writers_do_not_mix(tmp_path):
    root = str(tmp_path / 'data')

    def write(folder, name):
        os.makedirs(folder)
        with open(osp.join(folder, 'table.csv'), 'w') as f:
            f.write(f'written by {name}\n')

    def outer(folder):
        os.makedirs(folder)
        # Another writer starts and finishes while this one is half-way.
        write_once(root, lambda other: write(other, 'inner'), 'v1 0')
        with open(osp.join(folder, 'table.csv'), 'w') as f:
            f.write('written by outer\n')

    write_once(root, outer, 'v1 0')
    with open(osp.join(root, 'table.csv')) as f:
        assert f.read() == 'written by outer\n'
    assert sorted(os.listdir(root)) == ['.complete', 'table.csv']
    assert os.listdir(tmp_path) == ['data']
