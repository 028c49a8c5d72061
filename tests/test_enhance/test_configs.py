"""Every CWAN config builds; ablation and baselines differ only where
stated."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config

from mmext.registry import HOOKS, METRICS, MODELS, TRANSFORMS

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'cwan', '*.py')))


def n_params(module):
    return sum(p.numel() for p in module.parameters())


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmext'
    model = MODELS.build(cfg.model)
    if cfg.model.type == 'BaseEditModel':  # the RGB baselines
        assert n_params(model) == 384651
    else:
        assert n_params(model.light_net) == 59265
        assert n_params(model.color_net) == 325510
        assert (model.loss_module.attention_weight == 0) == ('noatt' in path)
    for t in cfg.train_dataloader.dataset.pipeline:
        TRANSFORMS.build(t)
    for hook in cfg.get('custom_hooks', []):
        HOOKS.build(hook)
    for metric in cfg.test_evaluator:
        METRICS.build(metric)


def test_quickstart_baselines_share_data_and_schedule():
    base = Config.fromfile(osp.join(ROOT, 'configs', 'cwan',
                                    'cwan_quickstart.py'))
    for name in base.quickstart.compare:
        other = Config.fromfile(osp.join(ROOT, 'configs', 'cwan', name))
        for key in ('train_dataloader', 'test_dataloader', 'optim_wrapper',
                    'train_cfg', 'param_scheduler', 'test_evaluator'):
            assert base[key] == other[key], (name, key)
