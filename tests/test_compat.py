"""Each shim of mmext.compat does what it claims."""
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmengine.hooks import Hook

import mmext  # noqa: F401  applies the compat layer
from mmext import compat

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def test_import_mmext_is_light():
    code = ('import sys, mmext; '
            'heavy = [m for m in ("torch", "mmengine", "mmcv", "mmdet", '
            '"mmpose", "mmaction", "mmpretrain") if m in sys.modules]; '
            'print(heavy); assert not heavy')
    subprocess.run([sys.executable, '-c', code], check=True, cwd=ROOT)


def test_all_toolboxes_import_after_mmext():
    code = ('import mmext, mmdet.models, mmpose.models, mmaction.models, '
            'mmpretrain.models, mmcv.ops; print(mmext.collect_versions())')
    out = subprocess.run([sys.executable, '-c', code], check=True, cwd=ROOT,
                         capture_output=True, text=True).stdout
    assert "'mmcv': '2.1.0'" in out


def test_every_shim_active_on_this_stack():
    applied = compat.apply_all()
    assert applied['mmaction_drn']  # mmaction2 1.2.0 wheel
    assert applied['checkpoint_loading']  # torch >= 2.6, mmengine 0.10.x
    assert applied['cpu_distributed']


def test_drn_placeholder_raises_clear_error():
    import mmaction.models  # noqa: F401  fails without the shim
    from mmaction.registry import MODELS
    with pytest.raises(RuntimeError, match='mmaction2#2714'):
        MODELS.build(dict(type='DRN'))


def test_numpy_aliases():
    y = np.array([0., 1., 4., 9.])
    assert np.trapz(y, dx=0.5) == pytest.approx(
        0.5 * (0 + 1 + 1 + 4 + 4 + 9) / 2)
    assert np.in1d([[1, 5], [2, 7]], [2, 5]).tolist() == [
        False, True, True, False
    ]
    assert np.in1d([1, 2], [2], invert=True).tolist() == [True, False]


def test_anet_metric_runs_on_numpy_2():
    from mmaction.evaluation.functional import \
        average_recall_at_avg_proposals
    gt = {'v': np.array([[0., 10.]])}
    proposals = {'v': np.array([[0., 10., 0.9], [20., 30., 0.5]])}
    recall, avg_recall, proposals_per_video, auc = \
        average_recall_at_avg_proposals(gt, proposals, 1, max_avg_proposals=2,
                                        temporal_iou_thresholds=np.array(
                                            [0.5]))
    assert avg_recall[-1] == pytest.approx(1.0)


class Evil:
    """An arbitrary object that must never be unpickled implicitly."""

    def __reduce__(self):
        return (os.system, ('echo pwned',))


def test_weights_only_protection_kept(tmp_path):
    assert 'TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD' not in os.environ
    path = tmp_path / 'evil.pth'
    torch.save({'state_dict': {}, 'meta': Evil()}, path)
    from mmengine.runner.checkpoint import _load_checkpoint
    with pytest.raises(pickle.UnpicklingError, match='MMEXT_SAFE_GLOBALS'):
        _load_checkpoint(str(path))
    with compat.resuming(), pytest.raises(pickle.UnpicklingError,
                                          match='posix.system|os.system'):
        _load_checkpoint(str(path))


def test_external_weights_allow_numpy_not_history_buffer(tmp_path):
    from mmengine.logging import HistoryBuffer
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'weights.pth'
    torch.save({'state_dict': {'w': torch.ones(2)},
                'meta': {'mean': np.float32(1.5), 'arr': np.arange(3)}}, path)
    ckpt = _load_checkpoint(str(path))
    assert ckpt['meta']['arr'].tolist() == [0, 1, 2]
    path = tmp_path / 'hub.pth'
    torch.save({
        'state_dict': {},
        'hub': HistoryBuffer([1., 2.], [1, 1])
    }, path)
    with pytest.raises(pickle.UnpicklingError, match='HistoryBuffer'):
        _load_checkpoint(str(path))
    with compat.resuming():
        assert _load_checkpoint(str(path))['hub'].mean() == 1.5


def test_user_opt_in_global(tmp_path, monkeypatch):
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'custom.pth'
    torch.save({'state_dict': {}, 'meta': {'cls': pytest.approx}}, path)
    with pytest.raises(pickle.UnpicklingError):
        _load_checkpoint(str(path))
    monkeypatch.setenv(compat.SAFE_GLOBALS_ENV, 'pytest.approx')
    assert _load_checkpoint(str(path))['meta']['cls'] is pytest.approx
    monkeypatch.setenv(compat.SAFE_GLOBALS_ENV, 'no.such.Thing')
    with pytest.raises(ValueError, match='no.such.Thing'):
        _load_checkpoint(str(path))


def _build_runner(work_dir, max_epochs, resume=False):
    from mmengine.config import Config
    from mmengine.runner import Runner
    cfg = Config.fromfile(os.path.join(ROOT, 'tests/data/configs/'
                                       'toy_mmext.py'))
    cfg.work_dir = str(work_dir)
    cfg.train_cfg.max_epochs = max_epochs
    cfg.resume = resume
    cfg.custom_hooks = []
    cfg.experiment_name = f'{os.path.basename(work_dir)}_{max_epochs}_' \
        f'{resume}_{id(cfg)}'
    return Runner.from_cfg(cfg)


class _EpochRecorder(Hook):

    def __init__(self, epochs):
        self.epochs = epochs

    def before_train_epoch(self, runner):
        self.epochs.append(runner.epoch)


class _Interrupt(Hook):
    """Simulates a crash right after the checkpoint of ``epoch``."""

    priority = 'LOWEST'

    def __init__(self, epoch):
        self.epoch = epoch

    def after_train_epoch(self, runner):
        if runner.epoch + 1 == self.epoch:
            raise InterruptedError(f'stopped after epoch {self.epoch}')


def test_resume_continues_exactly(tmp_path):
    """Interrupted after epoch 2 and resumed == 3 epochs uninterrupted."""
    full = _build_runner(tmp_path / 'full', 3)
    full.train()
    first = _build_runner(tmp_path / 'resumed', 3)
    first.register_hook(_Interrupt(2))
    with pytest.raises(InterruptedError):
        first.train()
    resumed = _build_runner(tmp_path / 'resumed', 3, resume=True)
    epochs_run = []
    resumed.register_hook(_EpochRecorder(epochs_run))
    resumed.train()
    assert epochs_run == [2]  # only the third epoch (0-based 2) ran
    assert resumed.train_loop.iter == 24
    for key, value in full.model.state_dict().items():
        torch.testing.assert_close(resumed.model.state_dict()[key], value)
    # The learning rate schedule resumed too (milestone at epoch 2).
    assert resumed.optim_wrapper.get_lr()['lr'][0] == pytest.approx(0.005)


def test_trusted_checkpoint_file(tmp_path, monkeypatch):
    from mmengine.logging import HistoryBuffer
    from mmengine.runner.checkpoint import _load_checkpoint
    path = tmp_path / 'run.pth'
    torch.save({'state_dict': {}, 'hub': HistoryBuffer([1.], [1])}, path)
    with pytest.raises(pickle.UnpicklingError,
                       match=compat.TRUSTED_CHECKPOINTS_ENV):
        _load_checkpoint(str(path))
    monkeypatch.setenv(compat.TRUSTED_CHECKPOINTS_ENV, str(path))
    assert _load_checkpoint(str(path))['hub'].mean() == 1.0
    monkeypatch.delenv(compat.TRUSTED_CHECKPOINTS_ENV)
    compat.trust_checkpoint(str(path))
    assert _load_checkpoint(str(path))['hub'].mean() == 1.0


class _GetAttr:
    """Pickles as ``getattr(obj, name)``."""

    def __init__(self, obj, name):
        self.obj, self.name = obj, name

    def __reduce__(self):
        return getattr, (self.obj, self.name)


class _RebuildFromType:
    """Pickles as torch's ``_rebuild_from_type_v2(func, new_type, args)``,
    an allowed global that calls ``func(*args)``."""

    def __init__(self, func, new_type, args):
        self.func, self.new_type, self.args = func, new_type, args

    def __reduce__(self):
        return torch._tensor._rebuild_from_type_v2, (self.func, self.new_type,
                                                     self.args, {})


def _exec_checkpoint(path, marker):
    """A checkpoint of allow-listed globals only that reaches ``exec``."""
    from mmengine.logging import HistoryBuffer
    builtins_dict = _GetAttr(_GetAttr(HistoryBuffer, '__init__'),
                             '__builtins__')
    dict_get = _GetAttr(builtins_dict, 'get')
    builtin_type = _GetAttr(dict_get, '__class__')
    exec_fn = _RebuildFromType(dict_get, builtin_type, ('exec', ))
    code = f'open({str(marker)!r}, "w").close()'
    torch.save({'state_dict': {}, 'meta': _RebuildFromType(
        exec_fn, builtin_type, (code, ))}, path)


def _getattr_checkpoint(path, owner, name):
    torch.save({'state_dict': {}, 'meta': _GetAttr(owner, name)}, path)


def _crafted_checkpoints(tmp_path):
    from mmengine.logging import HistoryBuffer
    marker = tmp_path / 'ran'
    files = {'exec': tmp_path / 'exec.pth'}
    _exec_checkpoint(files['exec'], marker)
    for tag, owner, name in [('init', HistoryBuffer, '__init__'),
                             ('update', HistoryBuffer, 'update'),
                             ('class', HistoryBuffer, '__class__'),
                             ('ndarray', np.ndarray, 'mean'),
                             ('dtype', np.dtype, '__class__'),
                             ('reconstruct',
                              compat.numpy_safe_globals()[0], '__self__')]:
        files[tag] = tmp_path / f'{tag}.pth'
        _getattr_checkpoint(files[tag], owner, name)
    return marker, files


def test_crafted_checkpoint_runs_nothing_on_any_route(tmp_path,
                                                      monkeypatch):
    from mmengine.runner.checkpoint import _load_checkpoint
    marker, files = _crafted_checkpoints(tmp_path)
    for tag, path in files.items():
        # load_from / pretrained: external weights.
        with pytest.raises(pickle.UnpicklingError, match='Refused'):
            _load_checkpoint(str(path))
        # --resume CKPT and --resume from the work dir.
        with compat.resuming(), pytest.raises(pickle.UnpicklingError,
                                              match='refused getattr'):
            _load_checkpoint(str(path))
        # tools/test.py's checkpoint and MMEXT_TRUSTED_CHECKPOINTS.
        compat.trust_checkpoint(str(path))
        with pytest.raises(pickle.UnpicklingError, match='refused getattr'):
            _load_checkpoint(str(path))
        assert not marker.exists(), tag
    # Through the runner's resume, as tools/train.py --resume calls it.
    runner = _build_runner(tmp_path / 'work', 1)
    with pytest.raises(pickle.UnpicklingError, match='refused getattr'):
        runner.resume(str(files['exec']))
    assert not marker.exists()


def test_history_buffer_statistic_stand_in():
    from mmengine.logging import HistoryBuffer
    assert compat.history_buffer_statistic(HistoryBuffer, 'mean') is \
        HistoryBuffer.mean
    for owner, name in [(HistoryBuffer, 'update'), (HistoryBuffer, 1),
                        (HistoryBuffer(), 'mean'), (os, 'system')]:
        with pytest.raises(pickle.UnpicklingError, match='refused getattr'):
            compat.history_buffer_statistic(owner, name)


def test_real_checkpoint_still_resumes(tmp_path):
    from mmengine.runner.checkpoint import _load_checkpoint
    first = _build_runner(tmp_path / 'w', 1)
    first.train()
    path = str(tmp_path / 'w' / 'epoch_1.pth')
    with compat.resuming():
        state = _load_checkpoint(path)
    buffers = state['message_hub']['log_scalars']
    assert buffers and all(b.mean() == b.mean() for b in buffers.values())
    resumed = _build_runner(tmp_path / 'w', 2, resume=True)
    resumed.train()
    assert resumed.train_loop.epoch == 2
