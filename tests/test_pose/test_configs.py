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


def test_quickstart_rows_differ_only_in_the_ablated_component():
    """The four quickstart rows share all but PDA and / or CVF."""
    folder = osp.join(ROOT, 'configs', 'ranet')

    def load(name):
        return Config.fromfile(osp.join(folder, name))

    def plain(value):
        """``value`` without the ``_scope_`` keys mmengine may add."""
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items() if k != '_scope_'}
        if isinstance(value, (list, tuple)):
            return [plain(v) for v in value]
        return value

    def pda_steps(cfg):
        return [
            s for s in cfg.train_dataloader.dataset.pipeline
            if s['type'] == 'ParsingBasedDataAugmentation'
        ]

    full = load('ranet_quickstart.py')
    rows = {name: load(name) for name in full.quickstart.compare}
    assert sorted(rows) == [
        'ranet_quickstart_ablation-cvf.py', 'ranet_quickstart_ablation-pda.py',
        'ranet_quickstart_baseline.py'
    ]
    shared = ('data_root', 'train_cfg', 'param_scheduler', 'optim_wrapper',
              'randomness', 'val_dataloader', 'test_dataloader', 'codec')
    for name, cfg in rows.items():
        for key in shared:
            assert cfg[key] == full[key], (name, key)
        assert cfg.model.backbone == full.model.backbone
        assert cfg.quickstart.prepare == full.quickstart.prepare
        assert cfg.quickstart.compare == []
        no_pda = [
            plain(s) for s in cfg.train_dataloader.dataset.pipeline
            if s['type'] != 'ParsingBasedDataAugmentation'
        ]
        assert no_pda == [
            plain(s) for s in full.train_dataloader.dataset.pipeline
            if s['type'] != 'ParsingBasedDataAugmentation'
        ], name
        train, ref = cfg.train_dataloader, full.train_dataloader
        assert train.batch_size == ref.batch_size
        assert train.dataset.ann_file == ref.dataset.ann_file
    # PDA: the very step of RANet, or none; CVF: RANet's head or mmpose's
    pda, = pda_steps(full)
    cvf = rows['ranet_quickstart_ablation-cvf.py']
    no_cvf = rows['ranet_quickstart_ablation-pda.py']
    baseline = rows['ranet_quickstart_baseline.py']
    assert pda_steps(no_cvf) == [pda] and pda_steps(cvf) == []
    assert pda_steps(baseline) == []
    assert plain(cvf.model.head) == plain(full.model.head)
    assert plain(no_cvf.model.head) == plain(baseline.model.head)
    assert no_cvf.model.head.type == 'HeatmapHead'
    assert no_cvf.model.head.deconv_out_channels == (
        full.model.head.pose_cfg.deconv_out_channels)
