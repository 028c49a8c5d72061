"""WIDERFaceTxtDataset on hand-written annotation files and quickstart data."""
import filecmp
import os
import os.path as osp

import cv2
import numpy as np
import pytest
from mmdet.registry import DATASETS
from mmengine.registry import init_default_scope

import mmext.det  # noqa: F401
from mmext.det.datasets.wider_face_quickstart_data import \
    prepare_quickstart_data
from mmext.det.datasets.wider_face_io import load_wider_face_gt

BBX_GT = """0--Parade/0_Parade_marchingband_1_465.jpg
3
345 211 4 4 2 0 0 0 0 0
331 126 3 3 0 0 0 1 0 0
120 30 20 25 0 0 0 0 0 0
0--Parade/0_Parade_Parade_0_452.jpg
0
0 0 0 0 0 0 0 0 0 0
1--Handshaking/1_Handshaking_Handshaking_1_94.jpg
2
10 20 0 40 1 1 1 0 2 1
50 60 30 40 0 0 0 0 1 0
"""


def build(tmp_path, text, name='wider_face_val_bbx_gt.txt', **kwargs):
    (tmp_path / 'wider_face_split').mkdir(exist_ok=True)
    (tmp_path / 'wider_face_split' / name).write_text(text)
    init_default_scope('mmdet')
    return DATASETS.build(
        dict(
            type='WIDERFaceTxtDataset',
            data_root=str(tmp_path),
            ann_file=f'wider_face_split/{name}',
            data_prefix=dict(img='WIDER_val/images/'),
            read_image_sizes=False,  # annotation files only, no images
            **kwargs))


def test_reads_faces_attributes_and_empty_images(tmp_path):
    ds = build(tmp_path, BBX_GT)
    assert len(ds) == 3 and ds.metainfo['classes'] == ('face', )
    first = ds.get_data_info(0)
    assert first['img_path'] == osp.join(
        str(tmp_path), 'WIDER_val/images/0--Parade/'
        '0_Parade_marchingband_1_465.jpg')
    assert first['img_id'] == '0--Parade/0_Parade_marchingband_1_465'
    boxes = [i['bbox'] for i in first['instances']]
    assert boxes == [[345, 211, 349, 215], [331, 126, 334, 129],
                     [120, 30, 140, 55]]
    # the invalid face is ignored, the others are kept
    assert [i['ignore_flag'] for i in first['instances']] == [0, 1, 0]
    assert first['instances'][0]['blur'] == 2
    assert ds.get_data_info(1)['instances'] == []
    last = ds.get_data_info(2)['instances']
    assert [i['ignore_flag'] for i in last] == [1, 0]  # w = 0 is ignored
    assert (last[0]['expression'], last[0]['occlusion'],
            last[0]['pose']) == (1, 2, 1)
    assert all(i['bbox_label'] == 0 for i in last)


def test_min_size_invalid_switch_and_empty_filter(tmp_path):
    ds = build(
        tmp_path,
        BBX_GT,
        ignore_invalid=False,
        filter_cfg=dict(filter_empty_gt=True, bbox_min_size=4))
    assert len(ds) == 2  # the image without faces is skipped in training
    flags = [i['ignore_flag'] for i in ds.get_data_info(0)['instances']]
    assert flags == [0, 1, 0]  # 3 px < 4 px; invalid no longer ignored
    test = build(
        tmp_path,
        BBX_GT,
        test_mode=True,
        filter_cfg=dict(filter_empty_gt=True))
    assert len(test) == 3


def test_test_file_list(tmp_path):
    ds = build(
        tmp_path, '0--Parade/0_Parade_marchingband_1_737.jpg\n\n'
        '1--Handshaking/1_Handshaking_Handshaking_1_35.jpg\n',
        name='wider_face_test_filelist.txt',
        test_mode=True)
    assert len(ds) == 2
    assert ds.get_data_info(1)['img_id'] == (
        '1--Handshaking/1_Handshaking_Handshaking_1_35')
    assert ds.get_data_info(1)['instances'] == []
    with pytest.raises(ValueError, match=r'filelist.txt:2: expected an im'):
        build(tmp_path, 'a/b.jpg\n3\n', name='wider_face_test_filelist.txt')


@pytest.mark.parametrize('lines, line_no, message', [
    ({
        1: '3x'
    }, 2, 'expected the number of faces'),
    ({
        3: '331 126 3 3 0 0 0 1 0'
    }, 4, 'expected 10 fields'),
    ({
        4: '120 30 2O 25 0 0 0 0 0 0'
    }, 5, 'not a number'),
    ({
        1: '2'
    }, 5, 'expected an image path'),
    ({
        7: '0 0 0 0 0 0 0 0 1 0'
    }, 8, 'a line of ten zeros'),
    ({
        9: '9'
    }, 13, 'announces 9 faces'),
    ({
        4: '120 30 -20 25 0 0 0 0 0 0'
    }, 5, 'width and height of at least 0'),
    ({
        3: '331 126 3 -3 0 0 0 1 0 0'
    }, 4, 'width and height of at least 0'),
    ({
        3: '331 126 nan 3 0 0 0 1 0 0'
    }, 4, 'a finite box'),
])
def test_malformed_lines_name_file_and_line(tmp_path, lines, line_no, message):
    text = BBX_GT.splitlines()
    for k, line in lines.items():
        text[k] = line
    with pytest.raises(
            ValueError,
            match=rf'wider_face_val_bbx_gt.txt:{line_no}: .*{message}'):
        build(tmp_path, '\n'.join(text) + '\n')


@pytest.fixture(scope='module')
def quickstart(tmp_path_factory):
    return prepare_quickstart_data(
        str(tmp_path_factory.mktemp('qs') / 'wider_face'))


def test_quickstart_is_deterministic_and_idempotent(quickstart, tmp_path):
    other = prepare_quickstart_data(str(tmp_path / 'wider_face'))
    files = sorted(
        osp.relpath(osp.join(d, f), quickstart)
        for d, _, fs in os.walk(quickstart) for f in fs)
    assert len(files) == 48 + 24 + 8 + 3 + 4 + 1
    mats = [f for f in files if f.endswith('.mat')]
    match, mismatch, errors = filecmp.cmpfiles(
        quickstart, other, [f for f in files if f not in mats], shallow=False)
    assert not mismatch and not errors
    # .mat headers hold a creation time: compare their content
    ours, theirs = (
        load_wider_face_gt(osp.join(root, 'eval_tools', 'ground_truth'))
        for root in (quickstart, other))
    assert ours.keys() == theirs.keys()
    for a, b in zip(ours.boxes, theirs.boxes):
        for x, y in zip(a, b):
            np.testing.assert_array_equal(x, y)
    for s in ours.keep:
        for a, b in zip(ours.keep[s], theirs.keep[s]):
            for x, y in zip(a, b):
                np.testing.assert_array_equal(x, y)
    stamp = os.stat(
        osp.join(quickstart, 'wider_face_split',
                 'wider_face_val_bbx_gt.txt')).st_mtime_ns
    prepare_quickstart_data(quickstart)
    assert os.stat(
        osp.join(quickstart, 'wider_face_split',
                 'wider_face_val_bbx_gt.txt')).st_mtime_ns == stamp


def test_quickstart_through_the_mmdet_pipeline(quickstart):
    init_default_scope('mmdet')
    ds = DATASETS.build(
        dict(
            type='WIDERFaceTxtDataset',
            data_root=quickstart,
            ann_file='wider_face_split/wider_face_train_bbx_gt.txt',
            data_prefix=dict(img='WIDER_train/images/'),
            filter_cfg=dict(filter_empty_gt=True),
            pipeline=[
                dict(type='LoadImageFromFile'),
                dict(type='LoadAnnotations', with_bbox=True),
                dict(type='PackDetInputs')
            ]))
    assert 40 <= len(ds) <= 48
    sample = ds[0]
    info = ds.get_data_info(0)
    assert sample['inputs'].shape[0] == 3
    assert sample['inputs'].shape[1:] in ((240, 320), (256, 288))
    kept = [i['bbox'] for i in info['instances'] if not i['ignore_flag']]
    np.testing.assert_array_equal(
        sample['data_samples'].gt_instances.bboxes.numpy(), kept)
    # every face is inside its image and scales span 7 to 96 px
    heights = np.array([
        i['bbox'][3] - i['bbox'][1] for k in range(len(ds))
        for i in ds.get_data_info(k)['instances']
    ])
    assert heights.min() < 12 and heights.max() > 48


def test_image_sizes_for_the_aspect_ratio_sampler(quickstart):
    from mmdet.datasets.samplers import AspectRatioBatchSampler
    from mmengine.dataset import DefaultSampler
    init_default_scope('mmdet')
    ds = DATASETS.build(
        dict(
            type='WIDERFaceTxtDataset',
            data_root=quickstart,
            ann_file='wider_face_split/wider_face_val_bbx_gt.txt',
            data_prefix=dict(img='WIDER_val/images/'),
            test_mode=True))
    for k in range(len(ds)):
        info = ds.get_data_info(k)
        height, width = cv2.imread(info['img_path']).shape[:2]
        assert (info['width'], info['height']) == (width, height)
    sampler = AspectRatioBatchSampler(
        DefaultSampler(ds, shuffle=False), batch_size=2)
    batches = list(sampler)
    assert sorted(i for b in batches for i in b) == list(range(len(ds)))
    for batch in batches:
        wide = {
            ds.get_data_info(i)['width'] >= ds.get_data_info(i)['height']
            for i in batch
        }
        assert len(wide) == 1


def test_quickstart_val_txt_and_mat_agree(quickstart):
    init_default_scope('mmdet')
    ds = DATASETS.build(
        dict(
            type='WIDERFaceTxtDataset',
            data_root=quickstart,
            ann_file='wider_face_split/wider_face_val_bbx_gt.txt',
            data_prefix=dict(img='WIDER_val/images/'),
            test_mode=True))
    gt = load_wider_face_gt(osp.join(quickstart, 'eval_tools', 'ground_truth'))
    assert [ds.get_data_info(k)['img_id'] for k in range(len(ds))] == gt.keys()
    boxes = [b for event in gt.boxes for b in event]
    for k, faces in enumerate(boxes):
        xyxy = np.array([i['bbox'] for i in ds.get_data_info(k)['instances']
                         ]).reshape(-1, 4)
        np.testing.assert_array_equal(
            np.concatenate([xyxy[:, :2], xyxy[:, 2:] - xyxy[:, :2]], 1), faces)
    counts = {
        s: sum(len(k) for event in gt.keep[s] for k in event)
        for s in ('easy', 'medium', 'hard')
    }
    assert 0 < counts['easy'] < counts['medium'] < counts['hard'] < len(
        np.concatenate(boxes))
    for i, event in enumerate(gt.keep['easy']):
        for j, easy in enumerate(event):
            assert set(easy) <= set(gt.keep['medium'][i][j]) <= set(
                gt.keep['hard'][i][j])


def test_official_data_config_runs_on_the_quickstart_layout(quickstart):
    from mmengine.config import Config
    cfg = Config.fromfile(
        osp.join(
            osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__)))),
            'configs', '_base_', 'datasets', 'wider_face_official.py'))
    assert cfg.data_root == 'data/WIDERFace/'
    assert cfg.val_evaluator == dict(
        type='WIDERFaceMetric',
        gt_dir='data/WIDERFace/eval_tools/'
        'ground_truth/')
    init_default_scope('mmdet')
    train = DATASETS.build(
        dict(cfg.train_dataloader.dataset, data_root=quickstart))
    np.random.seed(0)
    for k in range(6):  # both branches of the RandomChoice
        sample = train[k]
        assert tuple(sample['inputs'].shape) == (3, 640, 640)
        boxes = sample['data_samples'].gt_instances.bboxes.numpy()
        assert (boxes >= 0).all() and (boxes <= 640).all()
    val = DATASETS.build(
        dict(cfg.val_dataloader.dataset, data_root=quickstart))
    assert len(val) == 24
    assert val[0]['data_samples'].scale_factor == (1., 1.)
