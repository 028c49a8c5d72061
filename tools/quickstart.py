"""Train and evaluate every method that has a quickstart config, over seeds.

    python tools/quickstart.py [--methods dbg,teinet] [--seeds 0,1,2]
                               [--jobs 2] [--threads 1] [--list]

A quickstart config is ``configs/<method>/*_quickstart.py``; it declares
its bundled sample data, the metric to report and its baselines (see
:mod:`mmext.quickstart`).  For every seed, each method and each baseline
named in ``quickstart.compare`` is trained with ``tools/train.py --seed``
and its last checkpoint evaluated with ``tools/test.py``, both through the
upstream runner, on data generated deterministically on first use into the
cache folder (``$MMEXT_QUICKSTART_DIR``, default ``~/.cache/mmext/
quickstart``).  A reference row comes with every method: the model as
initialised, untrained (``tools/misc/save_untrained_checkpoint.py`` then
``tools/test.py``), or what ``quickstart.reference`` computes (e.g. zero
flow).

Runs go ``--jobs`` at a time, each with ``--threads`` intra-op threads
(``OMP_NUM_THREADS``), so a result does not depend on how many cores the
machine has: floating-point order changes with the thread count, and on
these from-scratch toy runs that moves a metric by more than a method's
effect.  The table gives mean ± sample std over the seeds, every seed's
value, the mean seconds per run (train + test), and for each baseline and
reference whether the method is ahead of it: by more than the sum of the
two stds ("yes"), or not ("no").  All values also go to
``<work-dir>/results.json``.  The script exits non-zero if any run failed.
"""
import argparse
import glob
import json
import os
import os.path as osp
import shutil
import statistics
import subprocess
import sys
import time
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Dict, List, NamedTuple, Optional

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


def load_config(path: str):
    with warnings.catch_warnings():  # mmengine imports pkg_resources
        warnings.simplefilter('ignore', UserWarning)
        from mmengine.config import Config
        from mmengine.logging import MMLogger
    # the "Using env variable" notices of every config load are not news
    MMLogger.get_current_instance().setLevel('WARNING')
    return Config.fromfile(path)


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


class Row(NamedTuple):
    """One line of the table: a config (or reference) over the seeds."""
    name: str
    config: str
    kind: str  # 'method', 'baseline' or 'reference'
    method: str  # the quickstart method the row belongs to
    quickstart: dict  # the config's ``quickstart`` dict


def metric_of(config: str, key: str, metrics: dict) -> float:
    if key not in metrics:
        raise KeyError(f'{config}: quickstart.metric={key!r} is not among '
                       f'the test metrics {sorted(metrics)}')
    return float(metrics[key])


def test_checkpoint(config: str, checkpoint: str, metric: str,
                    work_dir: str, env: dict, options: List[str]) -> float:
    """``tools/test.py`` on ``checkpoint``; the value of ``metric``.

    The checkpoint was just written by this script into a fresh work dir,
    so it is trusted like a resumed one (``MMEXT_TRUSTED_CHECKPOINTS``):
    ``tools/test.py`` alone trusts only checkpoints of ``--work-dir``, and
    the results go to ``work_dir/test``.
    """
    test_dir = osp.join(work_dir, 'test')
    trusted = [checkpoint, env.get('MMEXT_TRUSTED_CHECKPOINTS', '')]
    env = dict(env, MMEXT_TRUSTED_CHECKPOINTS=os.pathsep.join(
        p for p in trusted if p))
    run([
        sys.executable,
        osp.join(TOOLS, 'test.py'), config, checkpoint, '--work-dir',
        test_dir, *options
    ], osp.join(work_dir, 'test.log'), env)
    return metric_of(config, metric, read_test_metrics(test_dir))


def train_and_test(config: str, metric: str, work_dir: str, seed: int,
                   env: dict, cfg_options: Optional[List[str]]) -> float:
    """Train ``config`` with ``seed``, test its last checkpoint."""
    options = ['--cfg-options', *cfg_options] if cfg_options else []
    run([
        sys.executable,
        osp.join(TOOLS, 'train.py'), config, '--work-dir', work_dir,
        '--seed',
        str(seed), *options
    ], osp.join(work_dir, 'train.log'), env)
    with open(osp.join(work_dir, 'last_checkpoint')) as f:
        checkpoint = f.read().strip()
    return test_checkpoint(config, checkpoint, metric, work_dir, env,
                           options)


def test_untrained(config: str, metric: str, work_dir: str, seed: int,
                   env: dict, cfg_options: Optional[List[str]]) -> float:
    """Test ``config``'s model as initialised with ``seed``."""
    options = ['--cfg-options', *cfg_options] if cfg_options else []
    checkpoint = osp.join(work_dir, 'untrained.pth')
    run([
        sys.executable,
        osp.join(TOOLS, 'misc', 'save_untrained_checkpoint.py'), config,
        checkpoint, '--seed',
        str(seed), *options
    ], osp.join(work_dir, 'init.log'), env)
    return test_checkpoint(config, checkpoint, metric, work_dir, env,
                           options)


def computed_reference(config: str, env: dict) -> float:
    """``quickstart.reference.compute(cfg)`` of a config (e.g. zero flow),
    in a subprocess like every other run."""
    code = ('import sys; from mmengine.config import Config; '
            'from mmext.quickstart import prepare_data, resolve; '
            'cfg = Config.fromfile(sys.argv[1]); prepare_data(cfg); '
            'print(float(resolve(cfg.quickstart.reference.compute)(cfg)))')
    proc = subprocess.run([sys.executable, '-c', code, config],
                          capture_output=True, text=True, env=env, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f'{config}: quickstart.reference.compute failed:'
                           f'\n{proc.stderr[-3000:]}')
    return float(proc.stdout.strip().splitlines()[-1])


def plan_rows(methods: Dict[str, str]) -> List[Row]:
    """Each method, then its baselines, then its reference row."""
    rows = []
    for method, config in methods.items():
        quickstart = load_config(config).quickstart.to_dict()
        rows.append(Row(method, config, 'method', method, quickstart))
        for other in quickstart.get('compare', []):
            path = osp.join(osp.dirname(config), other)
            rows.append(
                Row(
                    osp.splitext(other)[0], path, 'baseline', method,
                    dict(quickstart,
                         **load_config(path).get('quickstart', {}))))
        reference = quickstart.get('reference', None)
        name = reference['name'] if reference else f'{method} untrained'
        rows.append(Row(name, config, 'reference', method, quickstart))
    return rows


def summarise(values: List[float]) -> tuple:
    """Mean and sample standard deviation (0 for a single value)."""
    mean = statistics.fmean(values)
    std = statistics.stdev(values) if len(values) > 1 else 0.
    return mean, std


def verdict(method: List[float], other: List[float],
            greater_is_better: bool) -> str:
    """Whether the method's mean beats ``other``'s by more than the spread
    (the sum of the two sample stds)."""
    (m_mean, m_std), (o_mean, o_std) = summarise(method), summarise(other)
    lead = (m_mean - o_mean) * (1 if greater_is_better else -1)
    spread = m_std + o_std
    return f'{"yes" if lead > spread else "no"} ({lead:+.4g} vs ' \
           f'{spread:.2g})'


def format_table(rows: List[dict]) -> str:
    """Rows of ``name, task, metric, values, seconds`` and optionally
    ``ahead`` (the method's verdict against that row)."""
    header = [
        'config', 'task', 'metric', 'mean ± std', 'per seed',
        'method ahead', 's/run'
    ]
    lines = []
    for r in rows:
        mean, std = summarise(r['values'])
        lines.append([
            r['name'], r['task'], r['metric'], f'{mean:.4f} ± {std:.4f}',
            ' '.join(f'{v:.4f}' for v in r['values']),
            r.get('ahead', ''),
            f'{statistics.fmean(r["seconds"]):.0f}'
        ])
    widths = [max(len(x) for x in col) for col in zip(header, *lines)]
    fmt = ' | '.join('{:<%d}' % w for w in widths)
    sep = '-+-'.join('-' * w for w in widths)
    return '\n'.join([fmt.format(*header), sep] +
                     [fmt.format(*line) for line in lines])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('--methods', help='comma-separated methods to run '
                        '(default: all with a quickstart config)')
    parser.add_argument(
        '--seeds',
        default='0,1,2',
        help='comma-separated seeds of every run (default 0,1,2)')
    parser.add_argument(
        '--jobs',
        type=int,
        default=min(2, os.cpu_count() or 1),
        help='runs at a time (default: 2, or 1 on a one-core machine)')
    parser.add_argument(
        '--threads',
        type=int,
        default=1,
        help='intra-op threads of every run (OMP_NUM_THREADS; default 1)')
    parser.add_argument('--no-reference', action='store_true',
                        help='skip the untrained / computed reference rows')
    parser.add_argument('--list', action='store_true',
                        help='list the quickstart configs and exit')
    parser.add_argument(
        '--config-dir',
        default=osp.join(ROOT, 'configs'),
        help='where to look for <method>/*_quickstart.py (default: '
        'configs/)')
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
    try:
        seeds = [int(s) for s in args.seeds.split(',') if s.strip()]
    except ValueError:
        parser.error(f'--seeds {args.seeds!r}: expected integers such as '
                     '0,1,2')
    if not seeds or args.jobs < 1 or args.threads < 1:
        parser.error('--seeds needs a seed; --jobs and --threads must be '
                     '>= 1')

    configs = find_quickstart_configs(args.config_dir)
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

    # the data is written once, before runs that share it start in parallel
    os.environ['MMEXT_QUICKSTART_DIR'] = args.data_dir
    sys.path.insert(0, ROOT)  # this checkout's mmext, as the runs get it
    from mmext.quickstart import prepare_data
    for config in configs.values():
        prepare_data(load_config(config))

    env = dict(os.environ, MMEXT_QUICKSTART_DIR=args.data_dir)
    env['PYTHONPATH'] = os.pathsep.join(
        p for p in (ROOT, env.get('PYTHONPATH')) if p)
    env['OMP_NUM_THREADS'] = env['MKL_NUM_THREADS'] = str(args.threads)
    rows = [
        r for r in plan_rows(configs)
        if not (args.no_reference and r.kind == 'reference')
    ]

    def execute(row: Row, seed: int):
        computed = row.kind == 'reference' and 'reference' in row.quickstart
        tag = 'untrained' if row.kind == 'reference' else 'seed'
        work_dir = osp.join(args.work_dir, row.name.replace(' ', '_'),
                            f'{tag}_{seed}')
        # the folder is this script's own: a rerun starts it afresh
        shutil.rmtree(work_dir, ignore_errors=True)
        os.makedirs(work_dir)
        start = time.time()
        metric = row.quickstart['metric']
        if computed:
            value = computed_reference(row.config, env)
        elif row.kind == 'reference':
            value = test_untrained(row.config, metric, work_dir, seed, env,
                                   args.cfg_options)
        else:
            value = train_and_test(row.config, metric, work_dir, seed, env,
                                   args.cfg_options)
        seconds = time.time() - start
        print(f'[quickstart] {row.name} seed {seed}: {value:.4f} '
              f'({seconds:.0f} s)', flush=True)
        return value, seconds

    print(f'[quickstart] {len(rows)} configs x seeds {seeds}, {args.jobs} '
          f'at a time, {args.threads} thread(s) each', flush=True)
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        # one reference run, of the first seed: a yardstick, not a result
        futures = {(i, s): pool.submit(execute, r, s)
                   for i, r in enumerate(rows)
                   for s in (seeds[:1] if r.kind == 'reference' else seeds)}
    results, failed = [], []
    for i, row in enumerate(rows):
        done = []
        for seed in (seeds[:1] if row.kind == 'reference' else seeds):
            try:
                done.append((seed, *futures[i, seed].result()))
            except Exception as err:  # report and go on with the others
                print(f'[quickstart] {row.name} seed {seed} FAILED: {err}',
                      file=sys.stderr)
                failed.append(f'{row.name} (seed {seed})')
        if not done:
            continue
        quickstart = row.quickstart
        results.append(
            dict(
                name=row.name,
                kind=row.kind,
                method=row.method,
                task=quickstart.get('task', '?'),
                metric=quickstart['metric'],
                greater_is_better=quickstart.get('greater_is_better', True),
                seeds=[d[0] for d in done],
                values=[d[1] for d in done],
                seconds=[d[2] for d in done]))
    by_name = {r['name']: r for r in results if r['kind'] == 'method'}
    for r in results:
        method = by_name.get(r['method'])
        if r['kind'] != 'method' and method is not None:
            r['ahead'] = verdict(method['values'], r['values'],
                                 method['greater_is_better'])
    os.makedirs(args.work_dir, exist_ok=True)
    with open(osp.join(args.work_dir, 'results.json'), 'w') as f:
        json.dump(
            dict(seeds=seeds, threads=args.threads, rows=results),
            f,
            indent=1)
    if results:
        print(format_table(results))
    if failed:
        print(f'[quickstart] failed: {", ".join(failed)}', file=sys.stderr)
        return 1
    return 0


if __name__ == '__main__':
    sys.exit(main())
