"""tools/dataset_converters/ddl_split.py: yaw, splits, pairs, errors."""
import importlib.util
import os
import os.path as osp

import numpy as np
import pytest

from mmext.face.datasets import DDLBranchDataset, FaceFolderDataset
from tests.tool_runner import ROOT


def load_tool():
    path = osp.join(ROOT, 'tools', 'dataset_converters', 'ddl_split.py')
    spec = importlib.util.spec_from_file_location('ddl_split', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def five_points(yaw_deg, nose_depth=0.5):
    """Landmarks of a face turned by yaw: eyes 40 px apart when frontal."""
    yaw = np.radians(yaw_deg)
    half = 20 * np.cos(yaw)
    shift = 40 * nose_depth * np.sin(yaw)
    return [50 - half, 40, 50 + half, 40, 50 + shift, 60, 35, 80, 65, 80]


def test_yaw_from_landmarks_inverts_the_model():
    points = np.array([five_points(y) for y in (0, 20, -45, 70)])
    np.testing.assert_allclose(
        tool.yaw_from_landmarks(points), [0, 20, -45, 70], atol=1e-9)


def make_folder(root, counts):
    """Identity folders id0, id1, ... with counts[i] empty .jpg files."""
    for i, n in enumerate(counts):
        os.makedirs(osp.join(root, f'id{i}'))
        for j in range(n):
            open(osp.join(root, f'id{i}', f'{j:04d}.jpg'), 'wb').close()


def write_landmarks(path, rows):
    with open(path, 'w') as f:
        f.write('NAME_ID,P1X,P1Y,P2X,P2Y,P3X,P3Y,P4X,P4Y,P5X,P5Y\n')
        for name, points in rows:
            f.write(name + ',' + ','.join(f'{v:.3f}' for v in points) + '\n')


def test_pose_split_pairs_and_counts(tmp_path):
    images = tmp_path / 'images'
    make_folder(str(images), [3, 2, 1])
    # id0: frontal, frontal, profile; id1: frontal, 50 deg; id2: frontal
    yaws = {'id0/0000': 0, 'id0/0001': 10, 'id0/0002': 60,
            'id1/0000': 5, 'id1/0001': -50, 'id2/0000': 0}
    csv_path = str(tmp_path / 'loose_landmark.csv')
    write_landmarks(csv_path, [(k, five_points(v)) for k, v in yaws.items()])
    out = str(tmp_path / 'split')
    counts = tool.main([
        'pose', '--folder', str(images), '--landmarks', csv_path,
        '--yaw-thr', '45', '--pairs-per-id', '2', '--out', out
    ])
    read = lambda name: open(osp.join(out, name)).read().split('\n')[:-1]  # noqa
    assert read('hard.txt') == ['id0/0002.jpg', 'id1/0001.jpg']
    assert read('easy.txt') == ['id0/0000.jpg', 'id0/0001.jpg',
                                'id1/0000.jpg', 'id2/0000.jpg']
    # easy pairs: id0 only (id1 and id2 have one easy image each)
    easy_pairs = [line.split() for line in read('pairs_easy.txt')]
    assert sorted(map(sorted, easy_pairs)) == [
        ['id0/0000.jpg', 'id0/0001.jpg']] * 2
    # hard pairs: (easy, hard) of one identity; id2 has no hard image
    hard_pairs = [tuple(line.split()) for line in read('pairs_hard.txt')]
    assert set(hard_pairs) == {('id0/0000.jpg', 'id0/0002.jpg'),
                               ('id0/0001.jpg', 'id0/0002.jpg'),
                               ('id1/0000.jpg', 'id1/0001.jpg')}
    assert len(hard_pairs) == 4
    assert counts['refused_ids_easy_pairs'] == 2
    assert counts['refused_ids_hard_pairs'] == 1
    assert counts['easy'] == 4 and counts['hard'] == 2

    # the files are what DDLBranchDataset reads
    branches = DDLBranchDataset(
        dataset=FaceFolderDataset(data_prefix=str(images)),
        data_root=out, easy_file='easy.txt', hard_file='hard.txt',
        pairs_easy_file='pairs_easy.txt', pairs_hard_file='pairs_hard.txt')
    assert len(branches) > 0

    with pytest.raises(FileExistsError, match='easy.txt exists'):
        tool.main(['pose', '--folder', str(images), '--landmarks', csv_path,
                   '--out', out])


def test_degrade_split_uses_every_image(tmp_path):
    images = tmp_path / 'images'
    make_folder(str(images), [4, 4])
    counts = tool.main(['degrade', '--folder', str(images), '--out',
                        str(tmp_path / 'split'), '--pairs-per-id', '3'])
    assert counts['easy'] == counts['hard'] == 8
    assert counts['pairs_easy'] == counts['pairs_hard'] == 6
    assert counts['refused_ids_easy_pairs'] == 0


def test_size_split_threshold():
    keys = ['a/0.jpg', 'a/1.jpg', 'b/0.jpg']
    boxes = {'a/0': np.array([0, 0, 30, 50.]),
             'a/1': np.array([0, 0, 80, 90.])}
    values, found = tool._match(keys, boxes)
    assert found.tolist() == [True, True, False]
    np.testing.assert_array_equal(values[1], [0, 0, 80, 90])


def test_malformed_csv_names_file_and_line(tmp_path):
    path = str(tmp_path / 'bb.csv')
    with open(path, 'w') as f:
        f.write('NAME_ID,X,Y,W,H\nid0/0000,1,2,3,4\nid0/0001,1,2,x,4\n')
    with pytest.raises(ValueError, match=r'bb.csv, line 3'):
        tool._read_csv(path, 4)
    with open(path, 'w') as f:
        f.write('id0/0000,1,2,3\n')
    with pytest.raises(ValueError, match=r'bb.csv, line 1: expected'):
        tool._read_csv(path, 4)
