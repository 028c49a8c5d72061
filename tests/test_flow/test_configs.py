"""Every ARFlow config builds: the official model and its pipelines."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from mmext.registry import HOOKS, MODELS, TRANSFORMS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'arflow', '*.py')))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmext'
    model = MODELS.build(cfg.model)
    n = sum(p.numel() for p in model.flow_net.parameters())
    if 'quickstart' not in path:
        assert n == 2236660  # the official PWC-Lite
    assert (model.ar_loss is None) == ('_ar_' not in path
                                       and 'arflow_quickstart' not in path)
    for t in cfg.train_dataloader.dataset.pipeline:
        TRANSFORMS.build(t)
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)
    opt = cfg.optim_wrapper.optimizer
    assert (opt.type, opt.eps, opt.weight_decay) == ('Adam', 1e-7, 1e-6)


def test_no_ar_baselines_differ_only_by_ar():
    for ar in glob.glob(osp.join(ROOT, 'configs', 'arflow', '*_ar_*.py')):
        a = Config.fromfile(ar)
        b = Config.fromfile(ar.replace('_ar_', '_noar_'))
        assert a.model.loss == b.model.loss
        assert a.optim_wrapper == b.optim_wrapper
        assert a.train_cfg == b.train_cfg
        ap = [t.type for t in a.train_dataloader.dataset.pipeline]
        bp = [t.type for t in b.train_dataloader.dataset.pipeline]
        assert [t for t in ap if t != 'ARAppearanceTransform'] == bp
