import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmext  # noqa: F401
from mmpretrain.registry import MODELS
from .utils import ROOT

CONFIGS = sorted(
    glob.glob(osp.join(ROOT, 'configs', 'curricularface', '*.py')))


def load(name):
    return Config.fromfile(osp.join(ROOT, 'configs', 'curricularface', name))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds_its_model(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmpretrain'
    # quickstarts add mmext.engine for RNGStateHook (exact resume)
    assert cfg.custom_imports.imports[0] == 'mmext.face'
    assert set(cfg.custom_imports.imports) <= {'mmext.face', 'mmext.engine'}
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    assert type(model).__name__ == 'FaceRecognizer'


def test_paper_recipe():
    cfg = load('curricularface_ir101_8xb64_ms1mv2.py')
    assert cfg.model.backbone.depth == 100
    assert cfg.model.head.type == 'CurricularFaceHead'
    assert (cfg.model.head.scale, cfg.model.head.margins,
            cfg.model.head.momentum) == (64., 0.5, 0.99)
    assert cfg.model.head.num_classes == 85742
    assert cfg.train_dataloader.batch_size * 8 == 512
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.lr, optimizer.momentum,
            optimizer.weight_decay) == ('SGD', 0.1, 0.9, 5e-4)
    assert cfg.param_scheduler.milestones == [10, 18, 22]
    assert cfg.param_scheduler.gamma == 0.1
    assert cfg.train_cfg.max_epochs == 24
    assert cfg.test_dataloader.dataset.bin_files == [
        'lfw.bin', 'cfp_fp.bin', 'agedb_30.bin', 'calfw.bin', 'cplfw.bin'
    ]


def test_arcface_baseline_differs_only_in_the_head():
    paper = load('curricularface_ir101_8xb64_ms1mv2.py')
    arcface = load('arcface_ir101_8xb64_ms1mv2.py')
    assert arcface.model.head.type == 'ArcFaceClsHead'
    assert 'momentum' not in arcface.model.head
    for key in ('backbone', 'data_preprocessor', 'test_cfg'):
        assert arcface.model[key] == paper.model[key]
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg',
                'train_dataloader'):
        assert arcface[key] == paper[key]


def test_quickstart_baseline_differs_only_in_the_head():
    ours = load('curricularface_ir18_quickstart.py')
    arcface = load('arcface_ir18_quickstart_baseline.py')
    assert arcface.model.head.type == 'ArcFaceClsHead'
    assert arcface.model.head.scale == ours.model.head.scale
    assert arcface.model.backbone == ours.model.backbone
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg',
                'train_dataloader', 'test_dataloader'):
        assert arcface[key] == ours[key]


def test_ijb_eval_config():
    cfg = load('curricularface_ir101_eval-ijbc.py')
    assert cfg.model.test_cfg == dict(flip=True, normalize=False)
    assert cfg.test_dataloader.dataset.type == 'IJBDataset'
    assert cfg.test_evaluator.pair_file.endswith(
        'IJBC/meta/ijbc_template_pair_label.txt')


def test_quickstart_contract():
    cfg = load('curricularface_ir18_quickstart.py')
    assert cfg.quickstart.metric == 'verification/val/accuracy'
    assert cfg.data_root.endswith('/curricularface/')
    assert cfg.train_dataloader.dataset.type == 'FaceRecordIODataset'
    assert cfg.test_dataloader.dataset.type == 'VerificationBinDataset'
