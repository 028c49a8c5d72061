"""Check that the active environment holds a complete, self-contained stack.

    python tools/misc/check_install.py [--isolated]

Run after ``bash tools/install.sh``.  Checks that

* ``pip check`` reports no broken requirement except the three that
  ``tools/install.sh`` leaves out on purpose (``requirements/no_deps.txt``);
* mmcv's compiled ops, every OpenMMLab toolbox and mmext import, and mmext
  is the one of this checkout;
* with ``--isolated`` (CI's fresh virtual environment): the interpreter is a
  virtual environment without system site packages, and every module above
  is loaded from inside it (or from this checkout), so the install depends
  on nothing outside the new environment.

Every failed check is printed with its reason; the exit status is 1 if any
check failed.
"""
import argparse
import importlib
import os.path as osp
import re
import subprocess
import sys
import sysconfig
from typing import List, Set, Tuple

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))

#: (package, requirement) pairs that pip check may report: the declared
#: dependencies tools/install.sh skips with --no-deps, and why.
ALLOWED_MISSING = {
    ('mmpose', 'chumpy'): 'declared, never imported, does not build',
    ('mmaction2', 'opencv-contrib-python'): 'a second cv2; opencv-python '
    'is installed',
    ('openmim', 'opendatalab'): 'its openxlab downgrades setuptools below '
    'what torch needs; mim never imports it',
}

#: Modules whose import proves the stack works, and where mmcv's compiled
#: ops are loaded from.
MODULES = ('mmcv', 'mmcv._ext', 'mmengine', 'mmdet.models', 'mmpose.models',
           'mmaction.models', 'mmpretrain.models', 'cv2', 'torch', 'mmext')


def _normalise(name: str) -> str:
    return re.sub(r'[-_.]+', '-', name).lower()


def pip_check_problems(output: str) -> List[str]:
    """Lines of ``pip check`` output that are not allowed.

    Args:
        output (str): What ``python -m pip check`` printed.

    Returns:
        list[str]: The reported problems outside :data:`ALLOWED_MISSING`.
    """
    allowed: Set[Tuple[str, str]] = {(_normalise(p), _normalise(r))
                                     for p, r in ALLOWED_MISSING}
    problems = []
    for line in output.splitlines():
        line = line.strip()
        if not line or line == 'No broken requirements found.':
            continue
        match = re.match(r'(\S+) \S+ requires (\S+?),? which is not '
                         r'installed', line)
        if match and (_normalise(match.group(1)),
                      _normalise(match.group(2))) in allowed:
            continue
        problems.append(line)
    return problems


def _inside(path: str, folders: List[str]) -> bool:
    path = osp.realpath(path)
    return any(
        osp.commonpath([path, osp.realpath(f)]) == osp.realpath(f)
        for f in folders)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument(
        '--isolated',
        action='store_true',
        help='also require a virtual environment without system site '
        'packages, and every module loaded from inside it')
    args = parser.parse_args(argv)
    failures = []

    proc = subprocess.run([sys.executable, '-m', 'pip', 'check'],
                          capture_output=True,
                          text=True)
    for problem in pip_check_problems(proc.stdout + proc.stderr):
        failures.append(f'pip check: {problem}')

    import mmext  # noqa: F401  applies mmext.compat before the toolboxes
    for name in MODULES:
        try:
            module = importlib.import_module(name)
        except Exception as err:  # report every import failure, then exit
            failures.append(f'import {name}: {type(err).__name__}: {err}')
            continue
        where = getattr(module, '__file__', None) or ''
        print(f'{name:20s} {where}')
        if name == 'mmext' and not _inside(where, [ROOT, sys.prefix]):
            failures.append(f'mmext is imported from {where}, not from this '
                            f'checkout ({ROOT}) or {sys.prefix}')
        if args.isolated and name != 'mmext' and not _inside(
                where, [sys.prefix]):
            failures.append(f'{name} is imported from {where}, outside the '
                            f'environment {sys.prefix}')

    if args.isolated:
        if sys.prefix == sys.base_prefix:
            failures.append(f'{sys.executable} is not in a virtual '
                            'environment')
        base_site = {
            sysconfig.get_paths(vars={'base': sys.base_prefix,
                                      'platbase': sys.base_prefix})[key]
            for key in ('purelib', 'platlib')
        }
        leaked = [p for p in sys.path if p in base_site]
        if leaked:
            failures.append(f'sys.path holds the base interpreter\'s site '
                            f'packages {leaked}: make the environment with '
                            '`python -m venv` (no --system-site-packages)')

    for failure in failures:
        print(f'[check_install] FAILED: {failure}', file=sys.stderr)
    if not failures:
        print(f'[check_install] ok: {sys.prefix}')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
