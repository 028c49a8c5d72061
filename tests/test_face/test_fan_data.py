"""FAN quickstart data: HR training faces, HR / LR test pairs; the configs
build their models."""
import glob
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmext  # noqa: F401
from mmpretrain.registry import MODELS
from .utils import ROOT


def test_lr_pairs_are_the_hr_pairs_with_a_small_probe():
    from mmext.face.datasets.face_identity_quickstart_data import \
        make_val_pairs
    from mmext.face.datasets.fan_quickstart_data import (PROBE_SIDES,
                                                         make_lr_pairs)
    hr, issame = make_val_pairs()
    lr, lr_same = make_lr_pairs()
    assert lr_same == issame and len(lr) == len(hr) == 2 * len(issame)
    sides = []
    for i in range(0, 40, 2):
        assert lr[i] == hr[i]  # the enrolment face is unchanged
        first = cv2.imdecode(np.frombuffer(lr[i], np.uint8), cv2.IMREAD_COLOR)
        probe = cv2.imdecode(
            np.frombuffer(lr[i + 1], np.uint8), cv2.IMREAD_COLOR)
        assert first.shape == (112, 112, 3)
        assert probe.shape[0] == probe.shape[1]
        sides.append(probe.shape[0])
    assert PROBE_SIDES[0] <= min(sides) < max(sides) <= PROBE_SIDES[1]


@pytest.mark.parametrize(
    'path', sorted(glob.glob(osp.join(ROOT, 'configs', 'fan', '*.py'))),
    ids=osp.basename)
def test_config_builds_its_model(path):
    cfg = Config.fromfile(path)
    assert cfg.default_scope == 'mmpretrain'
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    assert type(model).__name__ in ('FAN', 'FaceRecognizer')
    if 'quickstart' in path:
        assert cfg.test_dataloader.dataset.bin_files == 'val_lr.bin'
    else:
        assert cfg.load_from is None  # the user's recogniser checkpoint
        assert dict(type='FANStageHook', stage_epochs=(0, 10)) in \
            cfg.custom_hooks


def test_baseline_trains_as_long_on_the_same_faces():
    fan = Config.fromfile(osp.join(ROOT, 'configs', 'fan',
                                   'fan_ir18_quickstart.py'))
    base = Config.fromfile(
        osp.join(ROOT, 'configs', 'fan',
                 'curricularface_ir18_quickstart_baseline.py'))
    assert fan.train_cfg.max_epochs == base.train_cfg.max_epochs
    assert fan.model.backbone == base.model.backbone
    assert fan.model.head == base.model.head
    assert fan.train_dataloader.dataset.data_root == \
        base.train_dataloader.dataset.data_root
    assert fan.test_dataloader.dataset == base.test_dataloader.dataset
    # tools/train.py prepares the data of cfg.quickstart: the same for both
    assert fan.quickstart.prepare == base.quickstart.prepare
    assert fan.param_scheduler.generator[0].milestones == \
        base.param_scheduler.milestones
