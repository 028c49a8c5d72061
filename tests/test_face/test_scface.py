"""SCfaceDataset (layout, names, subject list) and FaceIdentificationMetric
(rank-k per distance)."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample

from mmext.face.datasets import SCfaceDataset
from mmext.face.datasets.scface_dataset import parse_probe_name
from mmext.face.evaluation import FaceIdentificationMetric


def write_scface(root, subjects=('001', '002', '003'), extra=None):
    img = np.zeros((8, 8, 3), np.uint8)
    os.makedirs(osp.join(root, 'mugshot'), exist_ok=True)
    os.makedirs(osp.join(root, 'surveillance', 'cam1'), exist_ok=True)
    for s in subjects:
        cv2.imwrite(osp.join(root, 'mugshot', f'{s}_frontal.JPG'), img)
        for d in (1, 2, 3):
            cv2.imwrite(
                osp.join(root, 'surveillance', 'cam1', f'{s}_cam1_{d}.jpg'),
                img)
    if extra:
        cv2.imwrite(osp.join(root, 'surveillance', extra), img)
    return root


def test_dataset_layout_and_subject_list(tmp_path):
    root = write_scface(str(tmp_path))
    dataset = SCfaceDataset(data_root=root)
    assert len(dataset) == 3 + 9
    roles = [dataset.get_data_info(i)['role'] for i in range(len(dataset))]
    assert roles.count('gallery') == 3 and roles.count('probe') == 9
    probe = [
        dataset.get_data_info(i) for i in range(len(dataset))
        if dataset.get_data_info(i)['role'] == 'probe'
    ][0]
    assert probe['distance'] == 'd1' and probe['camera'] == 1
    assert probe['subject'] == '1' and probe['gt_label'] == 0
    with open(osp.join(root, 'test.txt'), 'w') as f:
        f.write('# test subjects\n003\n2\n')
    subset = SCfaceDataset(data_root=root, subject_file='test.txt',
                           distances=(1, ))
    infos = [subset.get_data_info(i) for i in range(len(subset))]
    assert {i['subject'] for i in infos} == {'2', '3'}
    assert {i['distance'] for i in infos} == {None, 'd1'}
    assert len(infos) == 4
    assert subset.metainfo['classes'] == ('3', '2')


def test_names_that_do_not_parse(tmp_path):
    root = write_scface(str(tmp_path), extra='001_cam1_4.jpg')
    with pytest.raises(ValueError, match=r'001_cam1_4.jpg: an SCface '
                       'surveillance image is named'):
        SCfaceDataset(data_root=root)
    with pytest.raises(ValueError, match='x_frontal.png: an SCface mugshot'):
        root2 = write_scface(str(tmp_path / 'b'))
        cv2.imwrite(osp.join(root2, 'mugshot', 'x_frontal.png'),
                    np.zeros((4, 4, 3), np.uint8))
        SCfaceDataset(data_root=root2)
    assert parse_probe_name('a/017_cam5_2.png') == ('017', 5, 2)
    root3 = write_scface(str(tmp_path / 'c'))
    with open(osp.join(root3, 'list.txt'), 'w') as f:
        f.write('1\n7\n')
    with pytest.raises(ValueError, match='subject 7 .* has no mugshot'):
        SCfaceDataset(data_root=root3, subject_file='list.txt')
    with open(osp.join(root3, 'list.txt'), 'w') as f:
        f.write('1\n01\n')
    with pytest.raises(ValueError, match='list.txt line 2: subject 01 is '
                       'already listed on line 1'):
        SCfaceDataset(data_root=root3, subject_file='list.txt')


def sample(feat, label, role, distance=None):
    s = DataSample(metainfo=dict(role=role, distance=distance))
    s.set_gt_label(label)
    s.set_field(torch.tensor(feat, dtype=torch.float32), 'pred_feat')
    return s.to_dict()


def test_identification_metric_hand_worked():
    metric = FaceIdentificationMetric(topk=(1, 2))
    gallery = [
        sample([1, 0, 0], 0, 'gallery'),
        sample([0, 1, 0], 1, 'gallery'),
        sample([0, 0, 1], 2, 'gallery'),
        sample([0.9, 0.1, 0], 2, 'gallery'),  # a second image of subject 2
    ]
    probes = [
        # d1: subject 0 is ranked second (subject 2's second image is closer)
        sample([0.8, 0.2, 0], 0, 'probe', 'd1'),
        sample([0, 1, 0.1], 1, 'probe', 'd1'),
        # d3: one right, one at rank 2
        sample([0.1, 0, 1], 2, 'probe', 'd3'),
        sample([0.1, 0.2, 1], 1, 'probe', 'd3'),
    ]
    metric.process({}, gallery + probes)
    out = metric.evaluate(8)
    assert out['identification/d1/rank-1'] == pytest.approx(50.)
    assert out['identification/d1/rank-2'] == pytest.approx(100.)
    assert out['identification/d3/rank-1'] == pytest.approx(50.)
    assert out['identification/d3/rank-2'] == pytest.approx(100.)
    assert out['identification/mean/rank-1'] == pytest.approx(50.)


def test_identification_metric_errors():
    metric = FaceIdentificationMetric()
    metric.process({}, [sample([1, 0], 0, 'gallery')])
    with pytest.raises(ValueError, match='1 gallery and 0 probes'):
        metric.evaluate(1)
    metric = FaceIdentificationMetric()
    metric.process({}, [
        sample([1, 0], 0, 'gallery'),
        sample([1, 0], 4, 'probe', 'd1')
    ])
    with pytest.raises(ValueError, match=r'\[4\] have no gallery image'):
        metric.evaluate(2)
    with pytest.raises(KeyError, match="'role'"):
        FaceIdentificationMetric().process({}, [{
            'pred_feat': torch.zeros(2),
            'gt_label': torch.tensor([0])
        }])
