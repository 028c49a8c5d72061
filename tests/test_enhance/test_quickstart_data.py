"""The CWAN quickstart data: deterministic, LOL-v1 layout, dark inputs."""
import os

import cv2
import numpy as np

from mmext.enhance.datasets import PairedImageDataset
from mmext.enhance.datasets.cwan_quickstart_data import (NUM_TEST, NUM_TRAIN,
                                                         darken, render_scene)
from mmext.enhance.evaluation import input_psnr


def test_scenes_are_deterministic_and_colourful():
    a, b = render_scene(3), render_scene(3)
    assert np.array_equal(a, b) and not np.array_equal(a, render_scene(4))
    assert a.shape == (64, 64, 3) and 0 <= a.min() and a.max() <= 1
    assert np.array_equal(darken(a, 3), darken(a, 3))
    hsv = cv2.cvtColor((a * 255).astype(np.uint8), cv2.COLOR_RGB2HSV)
    assert (hsv[..., 1] > 150).mean() > 0.05  # saturated objects
    assert darken(a, 3).mean() < 0.25 * 255 * a.mean()


def test_written_in_the_lol_v1_layout(tmp_path, monkeypatch):
    from mmext.enhance.datasets import cwan_quickstart_data as data
    monkeypatch.setattr(data, 'NUM_TRAIN', 3)
    monkeypatch.setattr(data, 'NUM_TEST', 2)
    root = str(tmp_path / 'cwan')
    data.prepare_quickstart_data(root)
    assert sorted(os.listdir(tmp_path / 'cwan' / 'eval15' / 'low')) == \
        ['3.png', '4.png']
    assert len(PairedImageDataset(root, layout='lol_v1')) == 3
    assert len(PairedImageDataset(root, layout='lol_v1', split='test')) == 2
    assert 0 < input_psnr(root) < 15
    assert (NUM_TRAIN, NUM_TEST) == (48, 12)
