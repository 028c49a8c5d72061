"""Version-gated shims for upstream breakage, applied by ``import mmext``.

The OpenMMLab stack stopped releasing in 2024-25 (mmengine 0.10.7, mmcv 2.1,
mmdet 3.3, mmpose 1.3, mmaction2 1.2, mmpretrain 1.2) and breaks on current
torch and numpy.  Each shim below fixes one such breakage at run time, never
by editing installed files, is gated on the versions that need it, and cites
the upstream issue.  Shims for modules that are not imported yet are deferred
with an import hook, so ``import mmext`` does not import torch or any
toolbox.

Shims:

* :func:`patch_mmaction_drn`: the mmaction2 1.2.0 wheel lacks
  ``mmaction/models/localizers/drn`` (open-mmlab/mmaction2#2714).
* :func:`patch_numpy_removed_aliases`: ``np.trapz`` / ``np.in1d``,
  deprecated in numpy 2.0 (numpy/numpy#25738, numpy/numpy#24445) and removed
  with the expired deprecations of numpy 2.4, used by mmaction2's
  ``ANetMetric`` and mmpretrain's retrieval metrics (neither toolbox has
  released since).
* :func:`patch_checkpoint_loading`: torch >= 2.6 loads with
  ``weights_only=True``; mmengine <= 0.10.7 checkpoints hold ``HistoryBuffer``
  and numpy objects, so resume fails (open-mmlab/mmengine#1650, #1655; fixed
  by #1670 with ``weights_only=False``, in no release).  Here the protection
  stays on and only the globals that mmengine writes are allow-listed.
* :func:`patch_cpu_distributed`: mmengine's ``pytorch`` launcher always calls
  ``torch.cuda.set_device`` and the runner always passes ``device_ids`` to
  DDP, so distributed training on CPU with gloo crashes
  (open-mmlab/mmengine#1079 discussion; torch DDP rejects ``device_ids`` for
  CPU modules).
* :func:`patch_rank_local_state`: after ``init_weights`` the runner
  broadcasts every ``state_dict()`` entry from rank 0
  (``Runner._init_model_weights``, mmengine <= 0.10.7), which overwrites
  (or, with another shape, crashes on) a model-parallel shard such as
  Partial FC's class centres and fails on non-tensor extra state. Entries
  that a module names in ``rank_local_state_keys`` are left out of that
  broadcast.
"""
import contextlib
import contextvars
import importlib
import importlib.abc
import importlib.machinery
import importlib.metadata
import importlib.util
import inspect
import os
import pickle
import re
import sys
from typing import Any, Callable, Dict, Iterator, List, Optional

#: Environment variable naming extra globals (comma-separated dotted paths)
#: that a user explicitly trusts when loading checkpoints.
SAFE_GLOBALS_ENV = 'MMEXT_SAFE_GLOBALS'
#: Environment variable listing checkpoint files (``os.pathsep``-separated)
#: that are trusted as mmengine training checkpoints, like resumed ones.
TRUSTED_CHECKPOINTS_ENV = 'MMEXT_TRUSTED_CHECKPOINTS'

_APPLIED: Dict[str, bool] = {}


def _version_tuple(version: str) -> tuple:
    parts = []
    for piece in version.split('+')[0].split('.')[:3]:
        digits = ''.join(c for c in piece if c.isdigit())
        parts.append(int(digits) if digits else 0)
    return tuple(parts)


def _dist_version(name: str) -> Optional[tuple]:
    try:
        return _version_tuple(importlib.metadata.version(name))
    except importlib.metadata.PackageNotFoundError:
        return None


# ---------------------------------------------------------------------------
# Deferred patching: run a function right after a module is first imported.
# ---------------------------------------------------------------------------
class _PostImportFinder(importlib.abc.MetaPathFinder):
    """Meta-path finder that calls hooks after chosen modules execute."""

    def __init__(self) -> None:
        self.hooks: Dict[str, List[Callable]] = {}
        self._busy: set = set()

    def find_spec(self, fullname, path, target=None):
        if fullname not in self.hooks or fullname in self._busy:
            return None
        self._busy.add(fullname)
        try:
            spec = importlib.util.find_spec(fullname)
        finally:
            self._busy.discard(fullname)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        hooks = self.hooks.pop(fullname)
        exec_module = loader.exec_module

        def exec_and_patch(module):
            exec_module(module)
            for hook in hooks:
                hook(module)

        loader.exec_module = exec_and_patch
        return spec


_POST_IMPORT = _PostImportFinder()


def when_imported(name: str, hook: Callable) -> None:
    """Call ``hook(module)`` once module ``name`` is imported.

    Runs at once if the module is already imported.
    """
    if name in sys.modules:
        hook(sys.modules[name])
        return
    _POST_IMPORT.hooks.setdefault(name, []).append(hook)
    if _POST_IMPORT not in sys.meta_path:
        sys.meta_path.insert(0, _POST_IMPORT)


# ---------------------------------------------------------------------------
# mmaction2 1.2.0: missing localizers/drn.
# ---------------------------------------------------------------------------
_DRN_PACKAGE = 'mmaction.models.localizers.drn'
_DRN_MODULE = _DRN_PACKAGE + '.drn'


class _MissingDRNLoader(importlib.abc.Loader):
    """Loads placeholders for the DRN modules missing from the wheel."""

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        if module.__name__ == _DRN_PACKAGE:
            module.__path__ = []
            return
        from mmaction.registry import MODELS

        class DRN:
            """Placeholder for mmaction2's DRN localizer.

            The mmaction2 1.2.0 wheel ships without
            ``mmaction/models/localizers/drn`` (open-mmlab/mmaction2#2714);
            mmext registers this placeholder so ``import mmaction.models``
            works and building DRN fails with a clear message.
            """

            def __init__(self, *args, **kwargs):
                raise RuntimeError(
                    'DRN is not available: the mmaction2 1.2.0 wheel lacks '
                    'mmaction/models/localizers/drn '
                    '(open-mmlab/mmaction2#2714). Install mmaction2 from a '
                    'source checkout to use DRN.')

        MODELS.register_module(module=DRN, force=True)
        module.DRN = DRN


class _MissingDRNFinder(importlib.abc.MetaPathFinder):
    """Serves the DRN placeholders only when no real module is found.

    It sits at the end of ``sys.meta_path``, after the path finder, so a
    source install with the real ``drn`` package takes precedence.
    """

    def find_spec(self, fullname, path, target=None):
        if fullname not in (_DRN_PACKAGE, _DRN_MODULE):
            return None
        return importlib.machinery.ModuleSpec(
            fullname, _MissingDRNLoader(),
            is_package=fullname == _DRN_PACKAGE)


def patch_mmaction_drn() -> bool:
    """Let ``import mmaction.models`` work on the mmaction2 1.2.0 wheel."""
    version = _dist_version('mmaction2')
    if version is None or version > (1, 2, 0):
        return False
    if not any(isinstance(f, _MissingDRNFinder) for f in sys.meta_path):
        sys.meta_path.append(_MissingDRNFinder())
    return True


# ---------------------------------------------------------------------------
# numpy 2.4: np.trapz and np.in1d removed.
# ---------------------------------------------------------------------------
def patch_numpy_removed_aliases() -> List[str]:
    """Restore ``np.trapz`` and ``np.in1d`` where numpy removed them.

    Both were deprecated aliases of ``np.trapezoid`` and ``np.isin`` in numpy
    2.0 (numpy/numpy#25738 for ``trapz``, numpy/numpy#24445 for ``in1d``)
    and removed in numpy 2.4; mmaction2's ``average_recall_at_avg_
    proposals`` (AR@AN) and mmpretrain's retrieval metrics still call them.

    Returns:
        list[str]: names that were added.
    """
    import numpy as np
    added = []
    if not hasattr(np, 'trapz') and hasattr(np, 'trapezoid'):
        np.trapz = np.trapezoid
        added.append('trapz')
    if not hasattr(np, 'in1d'):
        np.in1d = lambda ar1, ar2, assume_unique=False, invert=False: np.isin(
            np.ravel(ar1), ar2, assume_unique=assume_unique, invert=invert)
        added.append('in1d')
    return added


# ---------------------------------------------------------------------------
# torch >= 2.6 weights_only loading of mmengine checkpoints.
# ---------------------------------------------------------------------------
_RESUMING: contextvars.ContextVar = contextvars.ContextVar(
    'mmext_resuming', default=False)


def numpy_safe_globals() -> list:
    """Globals that numpy arrays, dtypes and scalars pickle through."""
    import numpy as np
    try:
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct, scalar
    dtype_classes = {type(np.dtype(t)) for t in np.sctypeDict.values()}
    return [_reconstruct, scalar, np.ndarray, np.dtype,
            *sorted(dtype_classes, key=lambda c: c.__name__)]


def history_buffer_statistic(owner: Any, name: Any) -> Callable:
    """Stand-in for ``builtins.getattr`` when loading a checkpoint.

    The message hub of an mmengine checkpoint stores ``HistoryBuffer``
    objects, whose statistics methods pickle (protocol 2) as
    ``getattr(HistoryBuffer, 'mean')``.  The real ``getattr`` would hand a
    crafted checkpoint any attribute of any allowed object, and through
    torch's ``_rebuild_from_type_v2`` (which calls what it is given) any
    function, ``exec`` included.  This stand-in resolves only those
    statistics methods and refuses everything else.

    Args:
        owner: Must be ``HistoryBuffer`` itself.
        name: One of its statistics methods (``min``, ``max``, ``current``,
            ``mean`` or one registered with
            ``HistoryBuffer.register_statistics``).

    Returns:
        Callable: The unbound method.

    Raises:
        pickle.UnpicklingError: For any other owner or name.
    """
    from mmengine.logging import HistoryBuffer
    names = {'min', 'max', 'current', 'mean'} | set(
        HistoryBuffer._statistics_methods)
    if owner is HistoryBuffer and isinstance(name, str) and name in names:
        method = HistoryBuffer.__dict__.get(name)
        if inspect.isfunction(method):
            return method
    raise pickle.UnpicklingError(
        f'refused getattr({owner!r}, {name!r}) while loading a checkpoint: '
        'only the statistics methods of mmengine\'s HistoryBuffer may be '
        'looked up by name')


def resume_safe_globals() -> list:
    """Globals an mmengine training checkpoint holds beyond tensors.

    The message hub stores ``HistoryBuffer`` objects, whose statistics
    methods pickle through ``builtins.getattr``: that name is bound to
    :func:`history_buffer_statistic`, never to the real ``getattr``.
    """
    from mmengine.logging import HistoryBuffer
    return [HistoryBuffer, (history_buffer_statistic, 'builtins.getattr')
            ] + numpy_safe_globals()


def _user_safe_globals() -> list:
    names = [n.strip() for n in os.environ.get(SAFE_GLOBALS_ENV, '').split(',')
             if n.strip()]
    objs = []
    for name in names:
        module, _, attr = name.rpartition('.')
        try:
            objs.append(getattr(importlib.import_module(module), attr))
        except (ImportError, AttributeError, ValueError) as err:
            raise ValueError(f'{SAFE_GLOBALS_ENV} names {name!r}, which '
                             f'cannot be imported: {err}') from err
    return objs


_TRUSTED_FILES: set = set()


def trust_checkpoint(filename: str) -> None:
    """Load ``filename`` like a resumed checkpoint of the user's own run.

    ``tools/test.py`` calls it for a checkpoint of the config's work dir
    (:func:`is_run_checkpoint`): an mmengine training checkpoint holds
    ``HistoryBuffer`` objects.  Trusted files get the globals of
    :func:`resume_safe_globals`, which build data and no callable.
    """
    _TRUSTED_FILES.add(os.path.realpath(filename))


#: Names mmengine's ``CheckpointHook`` gives the checkpoints it writes.
_RUN_CHECKPOINT_NAME = re.compile(r'(epoch|iter)_\d+\.pth|best_.+\.pth')


def is_run_checkpoint(filename: str, work_dir: str) -> bool:
    """Whether mmengine wrote ``filename`` as a checkpoint of ``work_dir``.

    True for the file that ``work_dir/last_checkpoint`` names, and for a
    file directly inside ``work_dir`` named as mmengine's ``CheckpointHook``
    names them (``epoch_N.pth``, ``iter_N.pth``, ``best_*.pth``).  Paths are
    compared after resolving links, so a link in the work dir to a file
    elsewhere does not count.

    Args:
        filename: The checkpoint.
        work_dir: The run's work directory.

    Returns:
        bool: Whether the file is the run's own checkpoint.
    """
    if not isinstance(filename, (str, os.PathLike)) or not (
            os.path.isfile(filename) and os.path.isdir(work_dir)):
        return False
    real = os.path.realpath(filename)
    pointer = os.path.join(work_dir, 'last_checkpoint')
    if os.path.isfile(pointer):
        with open(pointer) as f:
            named = f.read().strip()
        if named and os.path.realpath(named) == real:
            return True
    return (os.path.dirname(real) == os.path.realpath(work_dir)
            and _RUN_CHECKPOINT_NAME.fullmatch(os.path.basename(real))
            is not None)


def _is_trusted(filename) -> bool:
    if not isinstance(filename, (str, os.PathLike)):
        return False
    env = os.environ.get(TRUSTED_CHECKPOINTS_ENV, '')
    trusted = _TRUSTED_FILES | {
        os.path.realpath(p) for p in env.split(os.pathsep) if p}
    return os.path.realpath(filename) in trusted


@contextlib.contextmanager
def resuming() -> Iterator[None]:
    """Mark checkpoint loads inside the block as the run's own (resume)."""
    token = _RESUMING.set(True)
    try:
        yield
    finally:
        _RESUMING.reset(token)


def is_resuming() -> bool:
    """Whether the code runs inside :func:`resuming` (``Runner.resume``)."""
    return _RESUMING.get()


def checkpoint_safe_globals(filename=None) -> list:
    """Globals allowed to load ``filename``: own run, or external weights.

    A resumed checkpoint (inside :func:`resuming`) or a trusted file
    (:func:`trust_checkpoint`, ``MMEXT_TRUSTED_CHECKPOINTS``) may hold what
    mmengine writes; external weights only numpy objects.  The user's
    ``MMEXT_SAFE_GLOBALS`` are added to both.
    """
    own = _RESUMING.get() or _is_trusted(filename)
    allowed = resume_safe_globals() if own else numpy_safe_globals()
    return allowed + _user_safe_globals()


def _wrap_load_checkpoint(load: Callable) -> Callable:
    import torch

    def _load_checkpoint(filename, map_location=None, logger=None):
        own = _RESUMING.get() or _is_trusted(filename)
        with torch.serialization.safe_globals(
                checkpoint_safe_globals(filename)):
            try:
                return load(filename, map_location=map_location,
                            logger=logger)
            except pickle.UnpicklingError as err:
                if own:
                    what = ('a checkpoint of your own run, which may hold '
                            'only tensors, numpy objects and mmengine\'s '
                            'HistoryBuffer')
                else:
                    what = ('external weights (load_from / pretrained), '
                            'which may hold only tensors and numpy objects. '
                            'If it is an mmengine training checkpoint of '
                            f'yours, list it in {TRUSTED_CHECKPOINTS_ENV}')
                raise pickle.UnpicklingError(
                    f'Refused to load checkpoint {filename!r} with torch '
                    f'weights_only=True: it was loaded as {what}. If you '
                    'trust the file, allow the global named below '
                    f'explicitly: {SAFE_GLOBALS_ENV}=package.module.Name '
                    '(comma-separated). torch said:\n' + str(err)) from err

    _load_checkpoint.__wrapped__ = load
    return _load_checkpoint


def patch_checkpoint_loading() -> bool:
    """Keep ``weights_only`` on and allow-list mmengine's own globals.

    ``Runner.resume`` loads with the globals of :func:`resume_safe_globals`;
    any other load (``load_from``, ``init_cfg=dict(type='Pretrained')``) only
    with numpy's.  Anything else is refused with a message naming the global
    and the opt-in variable ``MMEXT_SAFE_GLOBALS``.
    """
    torch_version = _dist_version('torch')
    mmengine_version = _dist_version('mmengine')
    if (torch_version is None or torch_version < (2, 6)
            or mmengine_version is None or mmengine_version >= (0, 11)):
        return False

    def patch_checkpoint(module):
        if not hasattr(module._load_checkpoint, '__wrapped__'):
            module._load_checkpoint = _wrap_load_checkpoint(
                module._load_checkpoint)

    def patch_runner(module):
        checkpoint = sys.modules['mmengine.runner.checkpoint']
        module._load_checkpoint = checkpoint._load_checkpoint
        for runner_cls in _runner_classes(module):
            resume = runner_cls.__dict__.get('resume')
            if resume is None or hasattr(resume, '__wrapped__'):
                continue

            def make(resume):
                def wrapped(self, *args, **kwargs):
                    with resuming():
                        return resume(self, *args, **kwargs)
                wrapped.__wrapped__ = resume
                wrapped.__doc__ = resume.__doc__
                return wrapped

            runner_cls.resume = make(resume)

    when_imported('mmengine.runner.checkpoint', patch_checkpoint)
    when_imported('mmengine.runner.runner', patch_runner)
    # FlexibleRunner.resume calls its strategy's resume inside the wrapper.
    when_imported('mmengine.runner._flexible_runner', patch_runner)
    return True


def _runner_classes(module) -> list:
    return [getattr(module, n) for n in ('Runner', 'FlexibleRunner')
            if hasattr(module, n)]


# ---------------------------------------------------------------------------
# CPU / gloo distributed training.
# ---------------------------------------------------------------------------
def patch_cpu_distributed() -> bool:
    """Let ``launcher='pytorch'`` run on CPU with the gloo backend.

    Without CUDA, ``_init_dist_pytorch`` skips ``torch.cuda.set_device`` and
    uses gloo (nccl needs GPUs), and ``MMDistributedDataParallel`` drops the
    ``device_ids`` that the runner always passes, which torch's DDP rejects
    for CPU modules.  With CUDA nothing changes.
    """
    mmengine_version = _dist_version('mmengine')
    if mmengine_version is None or mmengine_version >= (0, 11):
        return False

    def patch_dist(module):
        init_pytorch = module._init_dist_pytorch
        if hasattr(init_pytorch, '__wrapped__'):
            return

        def _init_dist_pytorch(backend, init_backend='torch', **kwargs):
            import torch
            import torch.distributed as torch_dist
            if torch.cuda.is_available() or any(
                    f() for f in (module.is_mlu_available,
                                  module.is_npu_available,
                                  module.is_musa_available)):
                return init_pytorch(backend, init_backend, **kwargs)
            if backend != 'gloo':
                print(f'mmext: no CUDA device, using the gloo backend '
                      f'instead of {backend!r}', file=sys.stderr)
            torch_dist.init_process_group(
                backend='gloo', rank=int(os.environ['RANK']),
                world_size=int(os.environ['WORLD_SIZE']), **kwargs)

        _init_dist_pytorch.__wrapped__ = init_pytorch
        module._init_dist_pytorch = _init_dist_pytorch

    def patch_ddp(module):
        cls = module.MMDistributedDataParallel
        init = cls.__init__
        if hasattr(init, '__wrapped__'):
            return

        def __init__(self, module, detect_anomalous_params=False, **kwargs):
            first = next(module.parameters(), None)
            if first is not None and first.device.type == 'cpu':
                kwargs.pop('device_ids', None)
                kwargs.pop('output_device', None)
            init(self, module,
                 detect_anomalous_params=detect_anomalous_params, **kwargs)

        __init__.__wrapped__ = init
        cls.__init__ = __init__

    when_imported('mmengine.dist.utils', patch_dist)
    when_imported('mmengine.model.wrappers.distributed', patch_ddp)
    return True


# ---------------------------------------------------------------------------
# Rank-local (model-parallel) state.
# ---------------------------------------------------------------------------
def rank_local_keys(model) -> List[str]:
    """State-dict keys of ``model`` that differ by rank on purpose.

    A module declares them as ``rank_local_state_keys`` (names relative to
    the module, e.g. ``('weight', '_extra_state')``).
    """
    return [
        f'{name}.{key}' if name else key
        for name, module in model.named_modules()
        for key in getattr(module, 'rank_local_state_keys', ())
    ]


def patch_rank_local_state() -> bool:
    """Keep rank-local entries out of the runner's post-init broadcast.

    ``Runner._init_model_weights`` is called unchanged, with the model's
    ``state_dict`` returning everything but :func:`rank_local_keys` for the
    duration of the call; models without such keys are not touched.
    """
    mmengine_version = _dist_version('mmengine')
    if mmengine_version is None or mmengine_version >= (0, 11):
        return False

    def patch(module):
        from mmengine.model import is_model_wrapper
        for cls in _runner_classes(module):
            init = getattr(cls, '_init_model_weights', None)
            if init is None or hasattr(init, '__wrapped__'):
                continue

            def _init_model_weights(self, _init=init):
                model = self.model.module if is_model_wrapper(
                    self.model) else self.model
                local = set(rank_local_keys(model))
                if not local:
                    return _init(self)
                full_state_dict = model.state_dict

                def shared_state_dict(*args, **kwargs):
                    state = full_state_dict(*args, **kwargs)
                    for key in local:
                        state.pop(key, None)
                    return state

                model.state_dict = shared_state_dict
                try:
                    return _init(self)
                finally:
                    del model.state_dict

            _init_model_weights.__wrapped__ = init
            cls._init_model_weights = _init_model_weights

    when_imported('mmengine.runner.runner', patch)
    return True


def apply_all() -> Dict[str, bool]:
    """Apply every shim once; return which ones are active."""
    if not _APPLIED:
        _APPLIED['mmaction_drn'] = patch_mmaction_drn()
        _APPLIED['numpy_removed_aliases'] = bool(
            patch_numpy_removed_aliases())
        _APPLIED['checkpoint_loading'] = patch_checkpoint_loading()
        _APPLIED['cpu_distributed'] = patch_cpu_distributed()
        _APPLIED['rank_local_state'] = patch_rank_local_state()
    return dict(_APPLIED)
