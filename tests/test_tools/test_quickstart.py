"""tools/quickstart.py: discovery, table, and the data contract."""
import importlib.util
import os
import os.path as osp

import pytest
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


def test_format_table():
    table = quickstart_tool.format_table([
        dict(method='curricularface', task='face recognition',
             metric='verification/accuracy', value=0.91234, seconds=61.2),
        dict(method='x', task='t', metric='m', value=3, seconds=1.0)
    ])
    lines = table.splitlines()
    assert lines[0].split() == ['method', '|', 'task', '|', 'metric', '|',
                                'value', '|', 'seconds']
    assert '0.9123' in lines[2] and '61' in lines[2]
    assert len({len(line) for line in lines}) == 1


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
