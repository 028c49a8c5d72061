"""Train and evaluate every method that has a quickstart config.

    python tools/quickstart.py [--methods curricularface,teinet] [--list]

A quickstart config is ``configs/<method>/*_quickstart.py``; it declares
its bundled sample data and the metric to report (see
:mod:`mmext.quickstart`).  Each method is trained with ``tools/train.py``
and its last checkpoint evaluated with ``tools/test.py``, both through the
upstream runner, on data generated deterministically on first use into the
cache folder (``$MMEXT_QUICKSTART_DIR``, default ``~/.cache/mmext/
quickstart``).  Configs named in ``quickstart.compare`` (baselines) are run
the same way.  The script prints a table of method, task, metric, value and
seconds, and exits non-zero if any run failed.
"""
import argparse
import glob
import json
import os
import os.path as osp
import subprocess
import sys
import time
import warnings
from typing import Dict, List, Optional

ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))
TOOLS = osp.join(ROOT, 'tools')


def find_quickstart_configs(config_root: str) -> Dict[str, str]:
    """Map each method folder name to its quickstart config."""
    configs = {}
    for path in sorted(
            glob.glob(osp.join(config_root, '*', '*_quickstart.py'))):
        method = osp.basename(osp.dirname(path))
        if method in configs:
            raise RuntimeError(f'{method} has two quickstart configs: '
                               f'{configs[method]} and {path}')
        configs[method] = path
    return configs


def read_test_metrics(work_dir: str) -> dict:
    """Metrics of the newest ``tools/test.py`` run in ``work_dir``."""
    logs = sorted(glob.glob(osp.join(work_dir, '*', '*.json')))
    if not logs:
        raise FileNotFoundError(f'no test metrics (*/*.json) in {work_dir}')
    with open(logs[-1]) as f:
        return json.loads(f.read().strip().splitlines()[-1])


def run(cmd: List[str], log_file: str, env: dict) -> None:
    with open(log_file, 'w') as log:
        proc = subprocess.run(
            cmd, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
    if proc.returncode != 0:
        with open(log_file) as log:
            tail = ''.join(log.readlines()[-30:])
        raise RuntimeError(f'`{" ".join(cmd)}` failed (exit '
                           f'{proc.returncode}), log {log_file}:\n{tail}')


def run_config(config: str, work_dir: str, env: dict,
               cfg_options: Optional[List[str]]) -> dict:
    """Train ``config`` and test its last checkpoint; return its info."""
    with warnings.catch_warnings():  # mmengine imports pkg_resources
        warnings.simplefilter('ignore', UserWarning)
        from mmengine.config import Config
    cfg = Config.fromfile(config)
    quickstart = cfg.get('quickstart', {})
    os.makedirs(work_dir, exist_ok=True)
    options = ['--cfg-options', *cfg_options] if cfg_options else []
    start = time.time()
    run([sys.executable, osp.join(TOOLS, 'train.py'), config, '--work-dir',
         work_dir, *options], osp.join(work_dir, 'train.log'), env)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    test_dir = osp.join(work_dir, 'test')
    run([sys.executable, osp.join(TOOLS, 'test.py'), config, checkpoint,
         '--work-dir', test_dir, *options], osp.join(work_dir, 'test.log'),
        env)
    metrics = read_test_metrics(test_dir)
    key = quickstart.get('metric')
    if key not in metrics:
        raise KeyError(f'{config}: quickstart.metric={key!r} is not among '
                       f'the test metrics {sorted(metrics)}')
    return dict(
        task=quickstart.get('task', '?'),
        metric=key,
        value=metrics[key],
        seconds=time.time() - start,
        compare=quickstart.get('compare', []))


def format_table(rows: List[dict]) -> str:
    header = ['method', 'task', 'metric', 'value', 'seconds']
    lines = [[
        r['method'], r['task'], r['metric'],
        f'{r["value"]:.4f}' if isinstance(r['value'], float) else str(
            r['value']),
        f'{r["seconds"]:.0f}'
    ] for r in rows]
    widths = [max(len(x) for x in col) for col in zip(header, *lines)]
    fmt = ' | '.join('{:<%d}' % w for w in widths)
    sep = '-+-'.join('-' * w for w in widths)
    return '\n'.join([fmt.format(*header), sep] +
                     [fmt.format(*line) for line in lines])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--methods', help='comma-separated methods to run '
                        '(default: all with a quickstart config)')
    parser.add_argument('--list', action='store_true',
                        help='list the quickstart configs and exit')
    parser.add_argument('--work-dir', default=osp.join(ROOT, 'work_dirs',
                                                       'quickstart'))
    parser.add_argument(
        '--data-dir',
        default=os.environ.get(
            'MMEXT_QUICKSTART_DIR',
            osp.join(osp.expanduser('~'), '.cache', 'mmext', 'quickstart')),
        help='where the sample data is generated and cached')
    parser.add_argument('--cfg-options', nargs='+',
                        help='passed to train.py and test.py of every run')
    args = parser.parse_args()

    configs = find_quickstart_configs(osp.join(ROOT, 'configs'))
    if args.list:
        for method, config in configs.items():
            print(f'{method}: {osp.relpath(config, ROOT)}')
        return 0
    if args.methods:
        wanted = [m.strip() for m in args.methods.split(',') if m.strip()]
        unknown = sorted(set(wanted) - set(configs))
        if unknown:
            parser.error(f'no quickstart config for {", ".join(unknown)}; '
                         f'available: {", ".join(configs) or "none"}')
        configs = {m: configs[m] for m in wanted}
    if not configs:
        print('No method has a quickstart config yet.')
        return 1

    env = dict(os.environ, MMEXT_QUICKSTART_DIR=args.data_dir)
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    rows, failed = [], []
    for method, config in configs.items():
        todo = [(method, config)]
        while todo:
            name, path = todo.pop(0)
            print(f'[quickstart] {name}: {osp.relpath(path, ROOT)}',
                  flush=True)
            try:
                info = run_config(path, osp.join(args.work_dir, name), env,
                                  args.cfg_options)
            except Exception as err:  # report and go on with the others
                print(f'[quickstart] {name} FAILED: {err}', file=sys.stderr)
                failed.append(name)
                continue
            rows.append(dict(method=name, **info))
            for other in info['compare'] if name == method else []:
                other_path = osp.join(osp.dirname(path), other)
                todo.append((osp.splitext(osp.basename(other))[0],
                             other_path))
    if rows:
        print(format_table(rows))
    if failed:
        print(f'[quickstart] failed: {", ".join(failed)}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
