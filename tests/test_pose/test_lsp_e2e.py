"""The LSP configs end to end: LSP + LSP-extended in their original
format, PDA, RANet and the torso PCK through the mmpose runner."""
import os.path as osp

import cv2
import numpy as np
import pytest
from mmengine.config import Config
from mmengine.runner import Runner
from scipy.io import savemat

from mmext.pose.datasets.part_library import build_part_library
from mmext.pose.datasets.ranet_quickstart_data import render_sample

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
#: LSP joint i is MPII joint MPII_OF_LSP[i]
MPII_OF_LSP = [0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15, 8, 9]


def write_lsp_release(root, count, digits, rng, used=8):
    """Persons as ``images/im<n>.jpg`` and LSP joints (count, 14, 2).

    Only the first ``used`` images of each half are rendered (the tests
    read no more); the other rows repeat them.
    """
    (root / 'images').mkdir(parents=True)
    joints = np.zeros((count, 14, 2))
    halves = (0, count // 2) if count > 2 * used else (0, )
    for start in halves:
        for i in range(start, start + used):
            img, ann = render_sample(rng, 96)
            cv2.imwrite(
                str(root / 'images' / f'im{i + 1:0{digits}d}.jpg'), img)
            joints[i] = np.array(ann['joints'])[MPII_OF_LSP]  # 1-based
    joints[joints == 0] = np.resize(joints[:used], joints.shape)[joints == 0]
    return joints


def write_library(root, rng):
    img, ann = render_sample(rng, 96)
    cv2.imwrite(str(root / 'p.jpg'), img)
    label = np.zeros(img.shape[:2], np.uint8)
    label[20:60, 30:50] = 14
    cv2.imwrite(str(root / 'p.png'), label)
    build_part_library([(str(root / 'p.jpg'), str(root / 'p.png'))],
                       str(root / 'lib'),
                       classes=(14, ),
                       min_area=10)
    return str(root / 'lib')


def shrink(pipeline, size, codec):
    for step in pipeline:
        if 'input_size' in step:
            step['input_size'] = (size, size)
        if 'encoder' in step:
            step['encoder'] = codec


@pytest.mark.e2e
def test_ranet_lsp_config_trains_and_tests(tmp_path):
    rng = np.random.default_rng(0)
    lsp = write_lsp_release(tmp_path / 'lsp', 2000, 4, rng)
    savemat(
        str(tmp_path / 'lsp' / 'joints.mat'),
        dict(
            joints=np.concatenate([lsp, np.zeros((2000, 14,
                                                  1))], 2).transpose(2, 1, 0)))
    lspet = write_lsp_release(tmp_path / 'lspet', 8, 5, rng)
    savemat(
        str(tmp_path / 'lspet' / 'joints.mat'),
        dict(
            joints=np.concatenate([lspet, np.ones((
                8, 14, 1))], 2).transpose(1, 2, 0)))
    library = write_library(tmp_path, rng)

    cfg = Config.fromfile(
        osp.join(ROOT, 'configs/ranet/ranet_res50_8xb64-210e_lsp-256x256.py'))
    codec = dict(
        type='MSRAHeatmap',
        input_size=(64, 64),
        heatmap_size=(16, 16),
        sigma=1)
    cfg.model.backbone.update(
        depth=18,
        base_channels=8,
        stem_channels=8,
        fps=dict(mid_channels=4),
        init_cfg=None)
    cfg.model.head.pose_cfg.update(
        in_channels=64,
        decoder=codec,
        deconv_out_channels=(8, 8, 8),
        refine_channels=8)
    train = cfg.train_dataloader
    train.update(batch_size=4, num_workers=0, persistent_workers=False)
    for dataset in train.dataset.datasets:
        dataset.data_root = str(tmp_path / dataset.subset)
        dataset.indices = 8
        shrink(dataset.pipeline, 64, codec)
        dataset.pipeline[2].update(part_library=library, prob=1.)
    test = cfg.test_dataloader
    test.update(batch_size=4, num_workers=0, persistent_workers=False)
    test.dataset.update(data_root=str(tmp_path / 'lsp'), indices=8)
    shrink(test.dataset.pipeline, 64, codec)
    cfg.val_dataloader = test
    cfg.train_cfg.update(max_epochs=1, val_begin=2)
    cfg.default_hooks.checkpoint.update(interval=1, save_best=None)
    cfg.work_dir = str(tmp_path / 'work')
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert len(runner.train_dataloader.dataset) == 16  # LSP 8 + LSPET 8
    metrics = runner.test()
    assert {'PCK', 'PCK@0.1', 'Head PCK', 'Wrist PCK'} <= set(metrics)
    assert 0 <= metrics['PCK'] <= 100
