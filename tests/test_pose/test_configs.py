"""Every RANet config parses, registers its types and builds its model."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmpose.registry import KEYPOINT_CODECS, MODELS, TRANSFORMS

import mmext.pose  # noqa: F401

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'ranet', '*.py')))


def test_all_configs_are_listed():
    names = {osp.basename(c) for c in CONFIGS}
    assert 'ranet_quickstart.py' in names
    assert {
        f'ranet-ablation_res50-{c}_8xb64-210e_mpii-256x256.py'
        for c in ('pda', 'fps', 'ere', 'cvf')
    } <= names


def model_types(cfg, registry=MODELS):
    """Check every ``type`` in a model config resolves; yield the types."""
    if isinstance(cfg, dict):
        if 'type' in cfg:
            assert registry.get(cfg['type']) is not None, cfg['type']
            yield cfg['type']
        for key, value in cfg.items():
            if key not in ('init_cfg', 'type'):
                yield from model_types(
                    value, KEYPOINT_CODECS if key in ('decoder',
                                                      'encoder') else MODELS)
    elif isinstance(cfg, (list, tuple)):
        for item in cfg:
            yield from model_types(item, registry)


@pytest.mark.parametrize('config', CONFIGS, ids=osp.basename)
def test_config_builds(config):
    cfg = Config.fromfile(config)
    assert cfg.default_scope == 'mmpose'
    init_default_scope('mmpose')
    types = set(model_types(cfg.model))
    head = cfg.model.head.get('pose_cfg', cfg.model.head)
    keypoints = 14 if '_lsp-' in config else 16
    assert head.out_channels == keypoints
    name = osp.basename(config)
    ranet = name.startswith('ranet_') and 'baseline' not in name
    expect_cvf = (ranet and 'ablation-pda' not in name) or '-cvf_' in name
    expect_pda = (ranet and 'ablation-cvf' not in name) or '-pda_' in name
    assert ({'VisPredictHead', 'CascadeVotingFusionHead'} <= types) == (
        expect_cvf)
    if ranet and 'ablation' not in name:
        assert types & {'RANetResNet', 'RANetHRNet'}
    if 'quickstart' in name:  # small enough to build here
        model = MODELS.build(cfg.model)
        assert model.head.out_channels == keypoints
    pipelines = [cfg.train_dataloader.dataset.get('pipeline')] + [
        d.pipeline for d in cfg.train_dataloader.dataset.get('datasets', [])
    ]
    for pipeline in filter(None, pipelines):
        for step in pipeline:
            assert TRANSFORMS.get(step['type']) is not None
        steps = [s['type'] for s in pipeline]
        uses_pda = 'ParsingBasedDataAugmentation' in steps
        assert uses_pda == expect_pda
        if uses_pda:
            assert steps.index('ParsingBasedDataAugmentation') < steps.index(
                'TopdownAffine')
