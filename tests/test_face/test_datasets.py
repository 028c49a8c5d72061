import os
import os.path as osp
import pickle

import numpy as np
import pytest

import mmext  # noqa: F401
from mmext.face.datasets import (FaceFolderDataset, IJBDataset,
                                 VerificationBinDataset, dump_bin, load_bin)
from .utils import encode_image, load_converter, make_identity_folders

PACK = dict(
    type='PackInputs',
    meta_keys=('sample_idx', 'set_name', 'pair_index', 'pair_pos', 'issame'))


def test_folder_dataset_labels(tmp_path):
    make_identity_folders(str(tmp_path), {'b': 2, 'a': 1})
    dataset = FaceFolderDataset(data_prefix=str(tmp_path))
    assert dataset.metainfo['classes'] == ('a', 'b')
    assert [d['gt_label'] for d in dataset.load_data_list()] == [0, 1, 1]
    listed = FaceFolderDataset(
        data_prefix=str(tmp_path), identities=['b', 'a'])
    assert [d['gt_label'] for d in listed.load_data_list()] == [0, 0, 1]


def test_folder_dataset_missing_or_empty_identity(tmp_path):
    make_identity_folders(str(tmp_path), {'a': 1, 'b': 1})
    with open(tmp_path / 'ids.txt', 'w') as f:
        f.write('a\nb\nc\n')
    with pytest.raises(
            FileNotFoundError, match=r'identity folder .*/c does not exist'):
        FaceFolderDataset(
            data_root=str(tmp_path), data_prefix='', identities='ids.txt')
    with pytest.raises(ValueError, match=r'/b is not a listed identity'):
        FaceFolderDataset(data_prefix=str(tmp_path), identities=['a'])
    os.makedirs(tmp_path / 'empty')
    with pytest.raises(ValueError, match=r'/empty holds no image'):
        FaceFolderDataset(data_prefix=str(tmp_path))
    with pytest.raises(FileNotFoundError, match='nowhere does not exist'):
        FaceFolderDataset(data_prefix=str(tmp_path / 'nowhere'))


def make_bin(path, num_pairs, seed=0):
    images = [encode_image(seed + i) for i in range(2 * num_pairs)]
    issame = [i % 2 == 0 for i in range(num_pairs)]
    dump_bin(str(path), images, issame)
    return images, issame


def test_bin_dataset_multiple_sets(tmp_path):
    make_bin(tmp_path / 'lfw.bin', 3)
    make_bin(tmp_path / 'cfp_fp.bin', 2, seed=50)
    dataset = VerificationBinDataset(
        data_root=str(tmp_path),
        bin_files=['lfw.bin', 'cfp_fp.bin'],
        pipeline=[dict(type='DecodeImageFromBytes'), PACK])
    assert len(dataset) == 10
    sample = dataset[7]['data_samples']
    assert (sample.set_name, sample.pair_index, sample.pair_pos,
            sample.issame) == ('cfp_fp', 0, 1, True)


def test_bin_python2_style_and_array_images(tmp_path):
    # insightface's files were pickled by Python 2 with numpy arrays or str.
    path = tmp_path / 'old.bin'
    images = [np.frombuffer(encode_image(i), np.uint8) for i in range(2)]
    with open(path, 'wb') as f:
        pickle.dump((images, np.array([True])), f, protocol=2)
    loaded, issame = load_bin(str(path))
    assert loaded[1] == encode_image(1) and list(issame) == [True]


def test_bin_pair_count_mismatch(tmp_path):
    path = tmp_path / 'broken.bin'
    with open(path, 'wb') as f:
        pickle.dump(([encode_image(i) for i in range(5)], [True, False]), f)
    with pytest.raises(
            ValueError, match=r'broken.bin: 5 images for 2 pair labels'):
        VerificationBinDataset(data_root=str(tmp_path), bin_files='broken.bin')
    with open(path, 'wb') as f:
        f.write(b'garbage')
    with pytest.raises(ValueError, match='broken.bin: not a readable'):
        load_bin(str(path))
    with pytest.raises(FileNotFoundError, match='lfw.bin'):
        VerificationBinDataset(data_root=str(tmp_path))


class _RunsCommand:
    """Pickles as a call of os.system, as a hostile .bin would."""

    def __init__(self, marker):
        self.marker = marker

    def __reduce__(self):
        return os.system, (f'touch {self.marker}', )


class _CallsGetattr:
    """Pickles through builtins.getattr, a route to any callable."""

    def __reduce__(self):
        return getattr, (int, 'mro')


@pytest.mark.parametrize('payload', ['images', 'issame', 'top'])
def test_hostile_bin_runs_nothing(tmp_path, payload):
    marker = tmp_path / 'ran'
    hostile = _RunsCommand(marker)
    content = {
        'images': ([encode_image(0), hostile], [True]),
        'issame': ([encode_image(0), encode_image(1)], [hostile]),
        'top': hostile,
    }[payload]
    path = tmp_path / 'lfw.bin'
    with open(path, 'wb') as f:
        pickle.dump(content, f, protocol=2)
    with pytest.raises(
            ValueError, match=r'lfw.bin: .*refused global posix.system'):
        load_bin(str(path))
    with pytest.raises(ValueError, match='refused global'):
        VerificationBinDataset(data_root=str(tmp_path), bin_files='lfw.bin')
    assert not marker.exists()
    with open(path, 'wb') as f:
        pickle.dump(([_CallsGetattr()], []), f)
    with pytest.raises(ValueError, match='refused global builtins.getattr'):
        load_bin(str(path))


def test_bin_with_object_array_is_refused(tmp_path):
    path = tmp_path / 'obj.bin'
    images = np.array([encode_image(0), encode_image(1)], dtype=object)
    with open(path, 'wb') as f:
        pickle.dump((images, [True]), f)
    with pytest.raises(ValueError, match=r'obj.bin: .*dtype object'):
        load_bin(str(path))


def test_bin_protocols_all_load(tmp_path):
    # Python 3 writes bytes through _codecs.encode at protocol 2.
    images = [encode_image(i) for i in range(2)]
    for protocol in range(2, pickle.HIGHEST_PROTOCOL + 1):
        path = tmp_path / f'p{protocol}.bin'
        with open(path, 'wb') as f:
            pickle.dump((images, [np.bool_(False)]), f, protocol=protocol)
        loaded, issame = load_bin(str(path))
        assert loaded == images and list(issame) == [False]


def test_converter_round_trips_bin(tmp_path):
    converter = load_converter()
    images, issame = make_bin(tmp_path / 'lfw.bin', 4)
    assert converter.bin_to_folder(
        str(tmp_path / 'lfw.bin'), str(tmp_path / 'pairs')) == 4
    with open(tmp_path / 'pairs' / 'pairs.txt') as f:
        assert f.readline() == 'images/000000.jpg images/000001.jpg 1\n'
    assert converter.folder_to_bin(
        str(tmp_path / 'pairs' / 'pairs.txt'), str(tmp_path / 'back.bin')) == 4
    with open(tmp_path / 'lfw.bin', 'rb') as a, \
            open(tmp_path / 'back.bin', 'rb') as b:
        assert a.read() == b.read()
    with open(tmp_path / 'pairs' / 'pairs.txt', 'a') as f:
        f.write('images/000000.jpg\n')
    with pytest.raises(ValueError, match=r'pairs.txt:5: expected'):
        converter.folder_to_bin(
            str(tmp_path / 'pairs' / 'pairs.txt'), str(tmp_path / 'x.bin'))


def test_ijb_dataset_and_alignment(tmp_path):
    import cv2
    from mmext.face.datasets.transforms import (ARCFACE_TEMPLATE_112,
                                                FaceAlign5Points)
    os.makedirs(tmp_path / 'meta')
    os.makedirs(tmp_path / 'loose_crop')
    template = np.array(ARCFACE_TEMPLATE_112)
    # A 224x224 image whose face is the template scaled by 2, shifted 5 px.
    points = template * 2 + 5
    img = np.zeros((224, 224, 3), np.uint8)
    for x, y in points:
        cv2.circle(img, (int(round(x)), int(round(y))), 3, (255, 255, 255), -1)
    cv2.imwrite(str(tmp_path / 'loose_crop' / '1.jpg'), img)
    with open(tmp_path / 'meta' / 'ijbc_face_tid_mid.txt', 'w') as f:
        f.write('1.jpg 7 70\n')
    with open(tmp_path / 'meta' / 'ijbc_name_5pts_score.txt', 'w') as f:
        f.write('1.jpg ' + ' '.join(f'{v:.4f}'
                                    for v in points.ravel()) + ' 0.9\n')
    dataset = IJBDataset(
        data_root=str(tmp_path),
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='FaceAlign5Points')
        ])
    item = dataset[0]
    assert (item['template_id'], item['media_id']) == (7, 70)
    assert item['faceness_score'] == pytest.approx(0.9)
    assert item['img'].shape == (112, 112, 3)
    # The aligned landmarks fall on the template.
    for x, y in template:
        assert item['img'][int(round(y)), int(round(x))].mean() > 128
    with pytest.raises(ValueError, match='expected 5 landmarks'):
        FaceAlign5Points().transform(dict(img=img, landmarks=np.zeros((4, 2))))


def test_ijb_meta_mismatch(tmp_path):
    os.makedirs(tmp_path / 'meta')
    with open(tmp_path / 'meta' / 'ijbb_face_tid_mid.txt', 'w') as f:
        f.write('1.jpg 1 1\n2.jpg 1 2\n')
    with open(tmp_path / 'meta' / 'ijbb_name_5pts_score.txt', 'w') as f:
        f.write('1.jpg ' + '1 ' * 10 + '0.5\n3.jpg ' + '1 ' * 10 + '0.5\n')
    with pytest.raises(ValueError, match='line 2: .* names 2.jpg but'):
        IJBDataset(data_root=str(tmp_path), name='ijbb')
    with pytest.raises(FileNotFoundError, match=osp.join('meta', 'ijbc_')):
        IJBDataset(data_root=str(tmp_path), name='ijbc')
