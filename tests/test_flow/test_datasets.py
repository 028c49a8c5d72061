"""Datasets, transforms and the quickstart data, on small written files."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmengine.config import Config

from mmext.flow.datasets import (FlyingChairsDataset, KITTIFlowDataset,
                                 KITTIMultiViewDataset, KITTIRawDataset,
                                 SintelDataset, SintelRawDataset, read_flo,
                                 write_flo, write_kitti_flow)
from mmext.flow.datasets.arflow_quickstart_data import (
    NUM_FRAMES, NUM_SCENES, prepare_quickstart_data, quickstart_zero_flow_epe,
    render_scene, zero_flow_epe)
from mmext.flow.datasets.transforms import (ARAppearanceTransform,
                                            FlowRandomCrop, FlowRandomFlip,
                                            FlowTemporalSwap, PackFlowInputs)
from mmext.flow.models.utils import flow_warp

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
LOAD = [
    dict(type='LoadFlowFrames'),
    dict(type='LoadFlowAnnotations'),
    dict(type='PackFlowInputs')
]


def write_img(path, img):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    cv2.imwrite(str(path), img)


@pytest.fixture(scope='module')
def quickstart(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('qs') / 'arflow') + '/'
    prepare_quickstart_data(root)
    return root


def test_quickstart_is_sintel_and_the_flow_explains_the_frames(quickstart):
    ds = SintelDataset(quickstart, passes=('clean', 'final'), pipeline=LOAD)
    assert len(ds) == 2 * NUM_SCENES * (NUM_FRAMES - 1)
    item = ds[0]
    imgs = item['inputs']['imgs']
    sample = item['data_samples']
    assert imgs.shape == (2, 3, 64, 128) and imgs.dtype == torch.uint8
    assert sample.subset == 'clean'
    flow = sample.gt_flow_fw
    noc = 1 - sample.gt_occ
    assert 0.005 < float(sample.gt_occ.mean()) < 0.3
    i1, i2 = imgs[None, 0].float() / 255, imgs[None, 1].float() / 255
    warped = flow_warp(i2, flow[None])
    err = ((warped - i1).abs().mean(1)[0] * noc).sum() / noc.sum()
    still = (i2 - i1).abs().mean()
    assert err < 0.03 < still  # the known flow aligns the frames
    # deterministic
    again = render_scene(0)
    np.testing.assert_allclose(again['flows'][0],
                               read_flo(ds.get_data_info(0)['flow_path']))


def test_quickstart_motion_and_zero_flow_epe(quickstart):
    flows = np.concatenate([render_scene(s)['flows'] for s in range(42, 48)])
    magnitude = np.linalg.norm(flows, axis=-1)
    # several pixels: more than 1 px at PWC-Lite's 1/4 resolution output
    assert magnitude.mean() > 4 * 0.8 and magnitude.max() < 16
    scenes = [f'scene_{s}' for s in range(42, 48)]
    expected = float(magnitude.mean())
    assert zero_flow_epe(quickstart, scenes) == pytest.approx(expected)
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'arflow',
                                   'arflow_quickstart.py'))
    cfg.data_root = quickstart
    assert quickstart_zero_flow_epe(cfg) == pytest.approx(expected)
    assert zero_flow_epe(quickstart) > 0


def test_sintel_scenes_test_split_and_raw(quickstart, tmp_path):
    ds = SintelDataset(quickstart, scenes=['scene_09'], test_mode=True)
    assert len(ds) == NUM_FRAMES - 1
    assert ds.get_data_info(0)['img_paths'][0].endswith(
        'clean/scene_09/frame_0001.png')
    with pytest.raises(ValueError, match='unknown pass'):
        SintelDataset(quickstart, passes='albedo')
    with pytest.raises(FileNotFoundError, match='test/clean does not exist'):
        SintelDataset(quickstart, split='test')
    raw = SintelRawDataset(quickstart + 'training/clean', num_frames=3)
    assert len(raw) == NUM_SCENES * (NUM_FRAMES - 2)


def write_sintel_scene(root, frames=(1, 2, 3), size=(4, 6)):
    """A training scene of ``frame_%04d`` images with flow and masks."""
    h, w = size
    for i in frames:
        write_img(osp.join(root, 'training', 'clean', 's', f'frame_{i:04d}'
                           '.png'), np.full((h, w, 3), 10 * i, np.uint8))
        write_flo(osp.join(root, 'training', 'flow', 's', f'frame_{i:04d}'
                           '.flo'), np.ones((h, w, 2), np.float32))
        for mask in ('occlusions', 'invalid'):
            write_img(osp.join(root, 'training', mask, 's', f'frame_{i:04d}'
                               '.png'), np.zeros((h, w), np.uint8))


def test_sintel_refuses_a_gap_in_the_frames(tmp_path):
    write_sintel_scene(str(tmp_path), frames=(1, 3, 4))
    with pytest.raises(FileNotFoundError, match=r'training/clean/s has '
                       r'frame_0001\.png and frame_0003\.png but not '
                       r'frame_0002\.png'):
        SintelDataset(str(tmp_path))


def test_sintel_missing_mask_other_size_flow_and_bad_frame_are_named(
        tmp_path):
    root = str(tmp_path)
    write_sintel_scene(root)
    ds = SintelDataset(root, pipeline=LOAD)
    assert ds[0]['data_samples'].gt_flow_fw.shape[-2:] == (4, 6)
    occ = osp.join(root, 'training', 'occlusions', 's', 'frame_0001.png')
    os.remove(occ)
    with pytest.raises(FileNotFoundError, match=f'mask {occ} not found'):
        ds[0]
    flo = osp.join(root, 'training', 'flow', 's', 'frame_0002.flo')
    write_flo(flo, np.ones((4, 5, 2), np.float32))
    with pytest.raises(ValueError, match=f'{flo} is a 5x4 flow for 6x4 '
                       'frames'):
        ds[1]
    frame = osp.join(root, 'training', 'clean', 's', 'frame_0003.png')
    with open(frame, 'wb') as f:
        f.write(b'not a png')
    with pytest.raises(ValueError, match=f'{frame} cannot be read'):
        ds[1]


def test_kitti_flow_and_multiview(tmp_path):
    root = tmp_path / 'kitti'
    img = np.zeros((4, 6, 3), np.uint8)
    flow = np.ones((4, 6, 2))
    occ_valid = np.ones((4, 6))
    noc_valid = occ_valid.copy()
    noc_valid[0] = 0  # row 0 occluded
    for i in range(2):
        for t in (10, 11):
            write_img(root / 'training' / 'colored_0' / f'{i:06d}_{t}.png',
                      img)
        write_kitti_flow(
            str(root / 'training' / 'flow_occ' / f'{i:06d}_10.png'), flow,
            occ_valid)
        write_kitti_flow(
            str(root / 'training' / 'flow_noc' / f'{i:06d}_10.png'), flow,
            noc_valid)
    ds = KITTIFlowDataset(
        str(root), img_dir='colored_0', subset='k12', pipeline=LOAD)
    assert len(ds) == 2
    sample = ds[1]['data_samples']
    torch.testing.assert_close(sample.gt_flow_fw, torch.ones(2, 4, 6))
    assert sample.gt_occ[0].min() == 1 and sample.gt_occ[1:].max() == 0
    assert sample.subset == 'k12'

    mv = tmp_path / 'mv'
    for cam in ('image_2', 'image_3'):
        for f in range(21):
            write_img(mv / 'training' / cam / f'000000_{f:02d}.png', img)
    ds = KITTIMultiViewDataset(str(mv), splits=('training', ))
    # pairs (f, f + 1) for f = 0..19, minus those touching 9..12: f = 8..12
    assert len(ds) == 2 * (20 - 5)
    firsts = {int(d['img_paths'][0][-6:-4]) for d in ds.data_list}
    assert firsts.isdisjoint({8, 9, 10, 11, 12})

    listing = tmp_path / 'list.txt'
    listing.write_text('a/0.png a/1.png\n\nb/0.png\n')
    with pytest.raises(ValueError, match=r'list\.txt:3: 1 frames'):
        KITTIRawDataset(str(tmp_path), str(listing))


def test_flying_chairs_split(tmp_path):
    for i in range(1, 4):
        write_flo(
            str(tmp_path / 'data' / f'{i:05d}_flow.flo'), np.zeros((2, 2, 2)))
    split = tmp_path / 'split.txt'
    split.write_text('1\n2\n1\n')
    ds = FlyingChairsDataset(str(tmp_path), str(split), split='train')
    assert [d['img_paths'][0][-14:]
            for d in ds.data_list] == ['00001_img1.ppm', '00003_img1.ppm']
    split.write_text('1\n2\n')
    with pytest.raises(ValueError, match='2 lines for 3 pairs'):
        FlyingChairsDataset(str(tmp_path), str(split))


def results(h=4, w=6):
    rng = np.random.default_rng(0)
    return dict(
        imgs=[
            rng.integers(0, 255, (h, w, 3), dtype=np.uint8) for _ in range(2)
        ],
        gt_flow=rng.normal(size=(h, w, 2)).astype(np.float32),
        gt_valid=np.ones((h, w), np.float32),
        gt_occ=(rng.random((h, w)) > 0.5).astype(np.float32))


def test_flip_keeps_the_flow_consistent():
    r = results()
    orig = {
        k: (v.copy() if isinstance(v, np.ndarray) else [x.copy() for x in v])
        for k, v in r.items()
    }
    out = FlowRandomFlip(prob=1.)(r)
    np.testing.assert_array_equal(out['imgs'][1], orig['imgs'][1][:, ::-1])
    np.testing.assert_array_equal(out['gt_flow'][..., 0],
                                  -orig['gt_flow'][:, ::-1, 0])
    np.testing.assert_array_equal(out['gt_flow'][..., 1],
                                  orig['gt_flow'][:, ::-1, 1])
    np.testing.assert_array_equal(out['gt_occ'], orig['gt_occ'][:, ::-1])
    r = results()
    out = FlowRandomFlip(prob=1., direction='vertical')(r)
    assert (out['gt_flow'][..., 1] == -results()['gt_flow'][::-1, :, 1]).all()


def test_crop_swap_and_pack():
    r = results(8, 10)
    full = results(8, 10)
    np.random.seed(0)
    out = FlowRandomCrop((4, 5))(r)
    # the crop is one window of every map
    h0 = [
        y for y in range(5) for x in range(6)
        if (full['gt_flow'][y:y + 4, x:x + 5] == out['gt_flow']).all()
    ]
    assert len(h0) == 1
    with pytest.raises(ValueError, match='larger than'):
        FlowRandomCrop((9, 5))(results(8, 10))
    with pytest.raises(ValueError, match='backward flow is unknown'):
        FlowTemporalSwap(1.)(results())
    r = results()
    del r['gt_flow']
    first = r['imgs'][0]
    assert FlowTemporalSwap(1.)(r)['imgs'][1] is first
    packed = PackFlowInputs()(results())
    assert packed['inputs']['imgs'].shape == (2, 3, 4, 6)
    assert packed['data_samples'].gt_flow_fw.shape == (2, 4, 6)


def test_appearance_transform_shares_one_draw():
    img = np.random.default_rng(0).integers(0, 255, (16, 16, 3), np.uint8)
    r = dict(imgs=[img, img.copy()])
    np.random.seed(1)
    out = ARAppearanceTransform()(r)
    assert len(out['imgs_ph']) == 2
    np.testing.assert_array_equal(out['imgs_ph'][0], out['imgs_ph'][1])
    assert (out['imgs'][0] == img).all()  # originals kept
    # brightness only, factor 1.5 at most: a mid-gray gets brighter or darker
    gray = np.full((4, 4, 3), 100, np.uint8)
    out = ARAppearanceTransform(
        contrast=0, saturation=0, gamma=None, blur_prob=0)(
            dict(imgs=[gray]))
    assert 50 <= out['imgs_ph'][0].min() <= out['imgs_ph'][0].max() <= 150
