"""PairedImageDataset layouts, pairing errors and the paired transforms."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest

from mmext.enhance.datasets import PairedImageDataset
from mmext.enhance.datasets.transforms import (LoadPairedImages,
                                               PairedRandomCrop,
                                               PairedRandomFlip)

PIPELINE = [dict(type='LoadPairedImages'), dict(type='PackEnhanceInputs')]


def write(path, img):
    os.makedirs(osp.dirname(path), exist_ok=True)
    assert cv2.imwrite(str(path), img)


def img(seed, h=6, w=8, channels=3):
    rng = np.random.default_rng(seed)
    shape = (h, w, channels) if channels else (h, w)
    return rng.integers(0, 256, shape, dtype=np.uint8)


def test_lol_v1_layout(tmp_path):
    for split, names in (('our485', ['1', '2']), ('eval15', ['7'])):
        for i, name in enumerate(names):
            write(tmp_path / split / 'low' / f'{name}.png', img(i))
            write(tmp_path / split / 'high' / f'{name}.png', img(i + 10))
    train = PairedImageDataset(
        str(tmp_path), layout='lol_v1', split='train', pipeline=PIPELINE)
    assert len(train) == 2
    assert [osp.basename(train.get_data_info(i)['gt_path'])
            for i in range(2)] == ['1.png', '2.png']
    out = train[0]
    assert out['inputs'].shape == (3, 6, 8)
    # RGB order: the file is BGR
    assert np.array_equal(out['inputs'].numpy().transpose(1, 2, 0),
                          img(0)[..., ::-1])
    assert np.array_equal(out['data_samples'].gt_img.numpy(),
                          img(10)[..., ::-1].transpose(2, 0, 1))
    test = PairedImageDataset(str(tmp_path), layout='lol_v1', split='test')
    assert len(test) == 1
    assert test[0]['img_path'].endswith('eval15/low/7.png')


def test_lol_v2_and_retinexformer_templates(tmp_path):
    for k in (1, 2):
        write(tmp_path / 'Train' / 'Low' / f'low{k:05d}.png', img(k))
        write(tmp_path / 'Train' / 'Normal' / f'normal{k:05d}.png', img(k))
    write(tmp_path / 'Train' / 'Low' / 'readme.png', img(0))  # not low{}
    ds = PairedImageDataset(str(tmp_path), layout='lol_v2')
    assert [osp.basename(ds.get_data_info(i)['gt_path'])
            for i in range(len(ds))] == ['normal00001.png', 'normal00002.png']
    write(tmp_path / 'r' / 'Test' / 'input' / 'a.png', img(1))
    write(tmp_path / 'r' / 'Test' / 'target' / 'a.png', img(2))
    ds = PairedImageDataset(
        str(tmp_path / 'r'), layout='lol_v1_retinexformer', split='test')
    assert len(ds) == 1


def test_sid_pairs_several_inputs_with_one_target(tmp_path):
    for name in ('00001_00_0.1s.png', '00001_01_0.04s.png',
                 '00002_00_0.1s.png'):
        write(tmp_path / 'train' / 'short' / name, img(0))
    for name in ('00001_00_10s.png', '00002_00_30s.png'):
        write(tmp_path / 'train' / 'long' / name, img(0))
    ds = PairedImageDataset(str(tmp_path), layout='sid_srgb')
    assert [osp.basename(ds.get_data_info(i)['gt_path'])
            for i in range(len(ds))] == [
        '00001_00_10s.png', '00001_00_10s.png', '00002_00_30s.png'
    ]


def test_missing_partner_names_both_paths(tmp_path):
    write(tmp_path / 'our485' / 'low' / '1.png', img(0))
    os.makedirs(tmp_path / 'our485' / 'high')
    with pytest.raises(FileNotFoundError) as err:
        PairedImageDataset(str(tmp_path), layout='lol_v1')
    assert osp.join('our485', 'low', '1.png') in str(err.value)
    assert osp.join('our485', 'high', '1.png') in str(err.value)
    with pytest.raises(FileNotFoundError, match='does not exist'):
        PairedImageDataset(str(tmp_path), layout='lol_v1', split='test')
    with pytest.raises(KeyError, match='unknown layout'):
        PairedImageDataset(str(tmp_path), layout='lol_v3')


@pytest.mark.parametrize('bad', ['size', 'gray', 'rgba', 'garbage'])
def test_bad_pairs_name_both_paths(tmp_path, bad):
    low, high = tmp_path / 'in' / 'x.png', tmp_path / 'gt' / 'x.png'
    write(low, img(0))
    if bad == 'size':
        write(high, img(1, h=7))
    elif bad == 'gray':
        write(high, img(1, channels=0))
    elif bad == 'rgba':
        write(high, img(1, channels=4))
    else:
        os.makedirs(high.parent)
        high.write_bytes(b'not an image')
    ds = PairedImageDataset(
        str(tmp_path), data_prefix=dict(img='in', gt='gt'),
        pipeline=PIPELINE)
    with pytest.raises(ValueError) as err:
        ds[0]
    assert str(low) in str(err.value) and str(high) in str(err.value)


def test_paired_crop_and_flips_keep_the_pair_aligned():
    base = img(3, h=20, w=30)
    results = dict(img=base, gt=base.copy() // 2 + 1)
    np.random.seed(0)
    for _ in range(10):
        out = PairedRandomCrop((8, 12))(dict(results))
        out = PairedRandomFlip(1., 'horizontal')(out)
        out = PairedRandomFlip(0.5, 'vertical')(out)
        assert out['img'].shape == (8, 12, 3) and out['img_shape'] == (8, 12)
        assert np.array_equal(out['gt'], out['img'] // 2 + 1)
    with pytest.raises(ValueError, match='larger'):
        PairedRandomCrop((21, 5))(dict(results))
    assert LoadPairedImages is not None
