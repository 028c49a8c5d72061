"""Bundled quickstart data for configs that declare it.

A quickstart config declares where its sample data lives and how to make
it::

    data_root = '{{$MMEXT_QUICKSTART_DIR:data/quickstart}}/<method>/'
    quickstart = dict(
        task='face recognition',              # shown in the quickstart table
        metric='verification/accuracy',       # test metric to report
        prepare='package.module.prepare_quickstart_data',
        compare=['<other config in the same folder>.py'],  # optional
    )

``prepare(data_root)`` writes the data deterministically, in the real
dataset's on-disk format, when it is missing.  ``tools/train.py``,
``tools/test.py`` and ``tools/quickstart.py`` call :func:`prepare_data`
before the runner is built, so the real dataset classes read it.
"""
import fcntl
import importlib
import os
import os.path as osp
import shutil
import uuid
from typing import Any, Callable, Optional


def resolve(path: str) -> Callable:
    """Import ``package.module.callable`` given as a dotted path."""
    module, _, name = path.rpartition('.')
    if not module:
        raise ValueError(f'quickstart.prepare={path!r}: expected a dotted '
                         'path such as "package.module.function"')
    try:
        return getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError) as err:
        raise ImportError(f'quickstart.prepare={path!r} cannot be imported: '
                          f'{err}') from err


def prepare_data(cfg: Any) -> Optional[str]:
    """Create the quickstart data of ``cfg`` if it declares some.

    Args:
        cfg (mmengine.Config): a loaded config.

    Returns:
        str | None: the data root that was prepared, or None when the config
        is not a quickstart config.
    """
    quickstart = cfg.get('quickstart', None)
    if not quickstart:
        return None
    if 'prepare' not in quickstart:
        raise KeyError(f'config {cfg.filename}: quickstart.prepare is '
                       'missing')
    data_root = cfg.get('data_root', None)
    if not data_root:
        raise KeyError(f'config {cfg.filename}: a quickstart config needs '
                       'a top-level `data_root`')
    prepare = resolve(quickstart['prepare'])
    # Every rank of a distributed run gets here: one writes, others wait.
    parent = osp.dirname(osp.normpath(data_root)) or '.'
    os.makedirs(parent, exist_ok=True)
    with open(osp.normpath(data_root) + '.lock', 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            prepare(data_root)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
    return data_root


def write_once(data_root: str,
               write: Callable[[str], None],
               stamp: str,
               marker: str = '.complete') -> str:
    """Write a generated dataset into ``data_root`` atomically, once.

    A dataset whose ``marker`` file holds ``stamp`` (e.g. the generator's
    version and seed) is left alone; anything else there is replaced.
    ``write`` fills a temporary sibling folder of its own (unique to the
    call, so concurrent writers do not mix), which is stamped and then
    moved into place, so an interrupted run leaves no half-written dataset.

    Args:
        data_root (str): Destination folder.
        write (Callable[[str], None]): Writes the whole dataset into the
            folder it is given.
        stamp (str): Identifies what ``write`` produces.
        marker (str): Name of the stamp file inside ``data_root``.
            Defaults to ``'.complete'``.

    Returns:
        str: ``data_root``.
    """
    root = osp.normpath(data_root)
    marker_path = osp.join(root, marker)
    if osp.isfile(marker_path):
        with open(marker_path) as f:
            if f.read().strip() == stamp:
                return data_root
    # A folder of this call's own: two writers at once never share one.
    tmp = f'{root}.tmp-{os.getpid()}-{uuid.uuid4().hex[:8]}'
    try:
        write(tmp)
        with open(osp.join(tmp, marker), 'w') as f:
            f.write(f'{stamp}\n')
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    shutil.rmtree(root, ignore_errors=True)
    os.replace(tmp, root)
    return data_root
