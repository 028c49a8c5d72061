"""Flow file formats: round trips and malformed files."""
import cv2
import numpy as np
import pytest

from mmext.flow.datasets import (read_flo, read_kitti_flow, write_flo,
                                 write_kitti_flow)


def test_flo_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    flow = rng.normal(size=(5, 7, 2)).astype(np.float32) * 10
    path = str(tmp_path / 'a.flo')
    write_flo(path, flow)
    np.testing.assert_array_equal(read_flo(path), flow)
    raw = open(path, 'rb').read()
    assert raw[:4] == b'PIEH'  # 202021.25 as little-endian float32
    assert np.frombuffer(raw[4:12], np.int32).tolist() == [7, 5]  # w, h
    # row-major (h, w, 2): the second float is v of pixel (0, 0)
    assert np.frombuffer(raw[12:20], np.float32).tolist() == \
        flow[0, 0].tolist()


def test_flo_wrong_magic(tmp_path):
    path = tmp_path / 'bad.flo'
    path.write_bytes(np.float32(1.5).tobytes() + b'\0' * 20)
    with pytest.raises(ValueError, match=r'bad\.flo: not a \.flo file'):
        read_flo(str(path))


def test_flo_truncated(tmp_path):
    path = str(tmp_path / 'cut.flo')
    write_flo(path, np.zeros((4, 4, 2), np.float32))
    data = open(path, 'rb').read()
    open(path, 'wb').write(data[:-8])
    with pytest.raises(ValueError, match=r'cut\.flo: truncated \.flo data'):
        read_flo(path)
    open(path, 'wb').write(data[:6])
    with pytest.raises(ValueError, match='truncated .flo header'):
        read_flo(path)


def test_flo_odd_sizes_overflow_and_non_finite_values_name_the_file(
        tmp_path):
    path = str(tmp_path / 'bad.flo')
    write_flo(path, np.zeros((4, 4, 2), np.float32))
    data = open(path, 'rb').read()
    open(path, 'wb').write(data[:-3])  # not a whole number of floats
    with pytest.raises(ValueError, match=r'bad\.flo: truncated \.flo data'):
        read_flo(path)
    open(path, 'wb').write(data + b'\0' * 8)
    with pytest.raises(ValueError, match=r'bad\.flo: trailing bytes'):
        read_flo(path)
    # 65536 x 65536: w * h is 0 in int32, 2^32 in Python
    header = np.float32(202021.25).tobytes() + np.array(
        [65536, 65536], np.int32).tobytes()
    open(path, 'wb').write(header + data[12:])
    with pytest.raises(ValueError, match=r'bad\.flo: invalid .flo size '
                       '65536x65536'):
        read_flo(path)
    flow = np.zeros((4, 4, 2), np.float32)
    flow[2, 3, 1] = np.nan
    write_flo(path, flow)
    with pytest.raises(ValueError, match=r'bad\.flo: non-finite flow .* row 2'
                       ', column 3'):
        read_flo(path)


def test_kitti_flow_refuses_a_single_channel_16_bit_png(tmp_path):
    path = str(tmp_path / 'grey.png')
    cv2.imwrite(path, np.full((5, 6), 40000, np.uint16))
    with pytest.raises(ValueError, match=r'grey\.png: KITTI flow must be a '
                       '16-bit 3-channel PNG'):
        read_kitti_flow(path)


def test_flo_bad_shape_on_write(tmp_path):
    with pytest.raises(ValueError, match=r'must be \(H, W, 2\)'):
        write_flo(str(tmp_path / 'x.flo'), np.zeros((4, 4, 3)))


def test_kitti_png_round_trip(tmp_path):
    rng = np.random.default_rng(0)
    flow = rng.uniform(-100, 100, size=(6, 9, 2))
    valid = rng.random((6, 9)) > 0.4
    path = str(tmp_path / '000000_10.png')
    write_kitti_flow(path, flow, valid)
    out, out_valid = read_kitti_flow(path)
    assert np.abs(out - flow).max() <= 1 / 128 + 1e-6  # 1/64 px steps
    np.testing.assert_array_equal(out_valid, valid.astype(np.float32))


def test_kitti_png_not_16bit(tmp_path):
    import cv2
    path = str(tmp_path / 'eight.png')
    cv2.imwrite(path, np.zeros((4, 4, 3), np.uint8))
    with pytest.raises(
            ValueError, match='eight.png: KITTI flow must be a '
            '16-bit'):
        read_kitti_flow(path)
    with pytest.raises(ValueError, match='cannot be read'):
        read_kitti_flow(str(tmp_path / 'missing.png'))
