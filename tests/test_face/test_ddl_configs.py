"""configs/ddl: every config builds its model; the recipe is TFace's."""
import glob
import os.path as osp

import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmext  # noqa: F401
from mmpretrain.registry import MODELS
from .utils import ROOT

CONFIGS = sorted(glob.glob(osp.join(ROOT, 'configs', 'ddl', '*.py')))


def load(name):
    return Config.fromfile(osp.join(ROOT, 'configs', 'ddl', name))


@pytest.mark.parametrize('path', CONFIGS, ids=osp.basename)
def test_config_builds_its_model(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmpretrain'
    assert cfg.custom_imports.imports == ['mmext.face']
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    assert type(model).__name__ in ('DDLRecognizer', 'FaceRecognizer')


@pytest.mark.parametrize('name', [
    'ddl_ir50_8xb32_vggface2-pose.py', 'ddl_ir100_8xb32_ms1mv2-lowres.py',
    'ddl_ir100_8xb32_vggface2-pose.py'
])
def test_tface_recipe(name):
    cfg = load(name)
    assert cfg.model.type == 'DDLRecognizer'
    loss = cfg.model.ddl_loss
    assert (loss.pos_kl_weight, loss.neg_kl_weight,
            loss.order_loss_weight) == (0.1, 0.02, 0.5)
    assert (loss.num_bins, loss.bin_width, loss.sigma) == (1000, 0.001, 0.1)
    assert loss.detach_teacher is False
    assert cfg.model.head.type == 'CurricularFaceHead'
    assert cfg.model.data_preprocessor.mean == [127.5] * 3
    assert cfg.model.data_preprocessor.std == [127.5] * 3
    assert cfg.train_dataloader.batch_size == 32
    assert cfg.train_dataloader.batch_sampler.type == 'DDLBatchSampler'
    optimizer = cfg.optim_wrapper.optimizer
    assert (optimizer.type, optimizer.lr, optimizer.momentum,
            optimizer.weight_decay) == ('SGD', 1e-3, 0.9, 5e-4)
    assert cfg.optim_wrapper.paramwise_cfg.norm_decay_mult == 0.
    assert cfg.train_cfg.max_epochs == 2
    assert cfg.load_from
    depth = 50 if 'ir50' in name else 100
    assert cfg.model.backbone.depth == depth


def test_lowres_hard_branch_is_degraded_and_pose_is_not():
    lowres = load('ddl_ir100_8xb32_ms1mv2-lowres.py').train_dataloader
    types = [t.type for t in lowres.dataset.hard_pipeline]
    assert 'RandomLowResolution' in types
    assert lowres.dataset.dataset.type == 'FaceRecordIODataset'
    pose = load('ddl_ir100_8xb32_vggface2-pose.py').train_dataloader
    assert pose.dataset.hard_pipeline == pose.dataset.pipeline
    assert pose.dataset.dataset == dict(
        type='FaceFolderDataset', data_root='data/vggface2/',
        data_prefix='train')


@pytest.mark.parametrize('ours,baseline', [
    ('ddl_ir100_8xb32_ms1mv2-lowres.py',
     'curricularface-ft_ir100_8xb32_ms1mv2-lowres.py'),
    ('ddl_ir18_quickstart.py',
     'curricularface-ft_ir18_quickstart_baseline.py'),
])
def test_baseline_differs_only_in_ddl(ours, baseline):
    ours, baseline = load(ours), load(baseline)
    assert baseline.model.ddl_loss is None and ours.model.ddl_loss
    for key in ('backbone', 'head', 'share_head', 'data_preprocessor'):
        assert baseline.model[key] == ours.model[key]
    for key in ('optim_wrapper', 'param_scheduler', 'train_cfg',
                'train_dataloader', 'test_dataloader', 'load_from'):
        assert baseline.get(key) == ours.get(key)


def test_eval_configs():
    scface = load('ddl_ir100_eval-scface.py')
    assert scface.test_dataloader.dataset.type == 'SCfaceDataset'
    assert scface.test_evaluator == dict(
        type='FaceIdentificationMetric', topk=(1, 5))
    assert load('ddl_ir100_eval-bin.py').test_dataloader.dataset.bin_files \
        == ['lfw.bin', 'cfp_fp.bin', 'cplfw.bin', 'vgg2_fp.bin']
    ijbc = load('ddl_ir100_eval-ijbc.py')
    assert ijbc.test_dataloader.dataset.type == 'IJBDataset'
    assert ijbc.test_evaluator.pair_file.endswith(
        'IJBC/meta/ijbc_template_pair_label.txt')
