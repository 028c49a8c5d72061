import os.path as osp
import struct

import numpy as np
import pytest

import mmext  # noqa: F401
from mmext.face.datasets import (FaceRecordIODataset, IRHeader, RecordIOError,
                                 RecordIOReader, RecordIOWriter, pack, unpack,
                                 write_face_recordio)
from mmext.face.datasets.recordio import MAGIC
from .utils import (encode_image, load_converter, make_identity_folders,
                    read_identity_folders)

PIPELINE = [dict(type='DecodeImageFromBytes'), dict(type='PackInputs')]


def test_pack_unpack():
    header, payload = unpack(pack(IRHeader(0, 7., 3, 0), b'abc'))
    assert header == IRHeader(0, 7., 3, 0) and payload == b'abc'
    header, payload = unpack(pack(IRHeader(0, np.array([4., 9.]), 5, 1), b''))
    assert header.flag == 2 and list(header.label) == [4., 9.]
    assert payload == b''
    # The exact bytes of mx.recordio.pack: '<IfQQ' then the labels.
    assert pack(IRHeader(0, 1., 2, 3),
                b'x') == struct.pack('<IfQQ', 0, 1., 2, 3) + b'x'


def test_writer_reader_bytes_and_magic_split(tmp_path):
    rec = str(tmp_path / 'a.rec')
    magic = struct.pack('<I', MAGIC)
    records = {
        0: b'',
        1: b'abcde',  # padded to 8 bytes
        2: b'12345678' + magic + b'tail' + magic,  # split into 3 chunks
        7: magic * 3 + b'z',
    }
    with RecordIOWriter(rec) as writer:
        for key, data in records.items():
            writer.write(key, data)
    with open(rec, 'rb') as f:
        raw = f.read()
    # record 1: magic, length 5 with cflag 0, data, 3 bytes of padding
    assert raw[8:24] == struct.pack('<II', MAGIC, 5) + b'abcde\0\0\0'
    # record 2's first chunk has cflag 1 and the 8 bytes before the magic
    assert struct.unpack('<II', raw[24:32]) == (MAGIC, (1 << 29) | 8)
    reader = RecordIOReader(rec)
    assert list(reader.keys) == [0, 1, 2, 7]
    for key, data in records.items():
        assert reader.read(key) == data
    with pytest.raises(RecordIOError, match='no record with key 3'):
        reader.read(3)


def face_set(tmp_path, counts=(3, 1, 2)):
    labels = np.repeat(np.arange(len(counts)), counts)
    images = [encode_image(i) for i in range(len(labels))]
    rec = str(tmp_path / 'train.rec')
    write_face_recordio(rec, labels, iter(images))
    return rec, labels, images


def test_face_recordio_layout_and_dataset(tmp_path):
    rec, labels, images = face_set(tmp_path)
    reader = RecordIOReader(rec)
    header = reader.read_header(0)
    assert header.flag == 2 and list(header.label) == [7., 10.]
    assert list(reader.read_header(8).label) == [4., 5.]  # identity 1

    dataset = FaceRecordIODataset(data_root=str(tmp_path), pipeline=PIPELINE)
    assert len(dataset) == 6 and dataset.num_identities == 3
    assert list(dataset.get_gt_labels()) == list(labels)
    assert dataset.get_cat_ids(3) == [1]
    info = dataset.get_data_info(5)
    assert info['img_bytes'] == images[5] and info['gt_label'] == 2
    sample = dataset[5]
    assert sample['inputs'].shape == (3, 16, 16)
    assert int(sample['data_samples'].gt_label) == 2
    assert len(FaceRecordIODataset(data_root=str(tmp_path), indices=2)) == 2


def test_recordio_without_meta_record(tmp_path):
    rec = str(tmp_path / 'train.rec')
    with RecordIOWriter(rec) as writer:
        for key in (5, 6):
            writer.write(
                key, pack(IRHeader(0, key - 5., key, 0), encode_image(key)))
    dataset = FaceRecordIODataset(data_root=str(tmp_path))
    assert len(dataset) == 2 and dataset.num_identities is None
    assert list(dataset.get_gt_labels()) == [0, 1]


def test_corrupt_record_names_file_and_key(tmp_path):
    rec, _, _ = face_set(tmp_path)
    reader = RecordIOReader(rec)
    offset = reader.offset_of(4)
    with open(rec, 'r+b') as f:
        f.seek(offset)
        f.write(b'\0\0\0\0')
    dataset = FaceRecordIODataset(data_root=str(tmp_path), pipeline=PIPELINE)
    with pytest.raises(
            RecordIOError,
            match=r'train.rec: record 4 \(offset '
            rf'{offset}\) is corrupt'):
        dataset[3]


def test_undecodable_image_names_record(tmp_path):
    rec = str(tmp_path / 'train.rec')
    write_face_recordio(rec, [0, 0], iter([encode_image(0), b'not a jpeg']))
    dataset = FaceRecordIODataset(
        data_root=str(tmp_path), pipeline=PIPELINE, test_mode=True)
    dataset[0]
    with pytest.raises(ValueError, match='train.rec record 2: cannot decode'):
        dataset[1]


def test_bad_index_and_truncated_file(tmp_path):
    rec, _, _ = face_set(tmp_path)
    idx = osp.splitext(rec)[0] + '.idx'
    with open(idx, 'a') as f:
        f.write('11\tnot-a-number\n')
    with pytest.raises(RecordIOError, match=r'train.idx:11: expected'):
        RecordIOReader(rec)
    with open(idx) as f:
        lines = f.readlines()[:-1]
    with open(idx, 'w') as f:
        f.writelines(lines)
    size = osp.getsize(rec)
    with open(rec, 'r+b') as f:
        f.truncate(size - 40)
    with pytest.raises(RecordIOError, match='past the end'):
        RecordIOReader(rec)
    with pytest.raises(FileNotFoundError, match='missing.rec'):
        RecordIOReader(str(tmp_path / 'missing.rec'))


def test_converter_round_trips_folder_and_recordio(tmp_path):
    converter = load_converter()
    written = make_identity_folders(
        str(tmp_path / 'src'), {
            'bob': 2,
            'alice': 3,
            'carol': 1
        })
    assert converter.folder_to_rec(
        str(tmp_path / 'src'), str(tmp_path / 'rec')) == 6
    # sorted identities: alice=0, bob=1, carol=2
    dataset = FaceRecordIODataset(data_root=str(tmp_path / 'rec'))
    assert list(dataset.get_gt_labels()) == [0, 0, 0, 1, 1, 2]
    assert dataset.get_data_info(3)['img_bytes'] == written['bob'][0]

    assert converter.rec_to_folder(
        str(tmp_path / 'rec' / 'train.rec'), str(tmp_path / 'back')) == 6
    assert read_identity_folders(str(tmp_path / 'back')) == written

    # rec -> folder -> rec reproduces the files byte for byte.
    converter.folder_to_rec(str(tmp_path / 'back'), str(tmp_path / 'rec2'))
    for name in ('train.rec', 'train.idx', 'identities.txt'):
        with open(tmp_path / 'rec' / name, 'rb') as a, \
                open(tmp_path / 'rec2' / name, 'rb') as b:
            assert a.read() == b.read(), name


def test_converter_identity_list(tmp_path):
    converter = load_converter()
    make_identity_folders(str(tmp_path / 'src'), {'a': 1, 'b': 1})
    converter.folder_to_rec(
        str(tmp_path / 'src'), str(tmp_path / 'rec'), identities=['b', 'a'])
    with open(tmp_path / 'rec' / 'identities.txt') as f:
        assert f.read() == 'b\na\n'
