import json

import numpy as np
import pytest
from mmpose.datasets import MpiiDataset

from mmext.pose.datasets import MpiiJsonDataset


def entry(**changes):
    ann = dict(
        image='000001163.jpg',
        center=[601.0, 380.0],
        scale=3.88,
        joints=[[float(10 + i), float(20 + 2 * i)] for i in range(16)],
        joints_vis=[1] * 15 + [0])
    ann.update(changes)
    return ann


def write(tmp_path, anns, text=None):
    path = tmp_path / 'mpii_train.json'
    path.write_text(json.dumps(anns) if text is None else text)
    return str(path)


def build(cls, ann_file):
    return cls(ann_file=ann_file, data_prefix=dict(img='images/'),
               pipeline=[], lazy_init=False)


def test_valid_file_reads_as_mmpose_does(tmp_path):
    ann_file = write(tmp_path, [entry(), entry(image='000002.jpg')])
    ours, theirs = build(MpiiJsonDataset, ann_file), build(MpiiDataset,
                                                           ann_file)
    assert len(ours) == len(theirs) == 2
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a['keypoints'], b['keypoints'])
        np.testing.assert_array_equal(a['bbox'], b['bbox'])
    # 0-based joints, as mmpose's reader gives them
    np.testing.assert_array_equal(ours[0]['keypoints'][0, 3], [13., 26.])


@pytest.mark.parametrize('bad, message', [
    (dict(joints=[[1., 2.]] * 15), '"joints" must be 16'),
    (dict(joints=[[1., 2.]] * 16 + [[3., 4.]]), '"joints" must be 16'),
    (dict(joints=[[1., 2., 3.]] * 16), '"joints" must be 16'),
    (dict(joints=[[1., float('nan')]] * 16), '"joints" must be 16'),
    (dict(joints_vis=[1] * 15), '"joints_vis" must be 16'),
    (dict(joints_vis=[2] * 16), '"joints_vis" must be 16'),
    (dict(center=[1.]), '"center" must be two'),
    (dict(scale=-1.), '"scale" must be a positive'),
    (dict(scale='3'), '"scale" must be a positive'),
    (dict(image=7), '"image" must be a file name'),
])
def test_bad_entry_names_file_and_entry(tmp_path, bad, message):
    ann_file = write(tmp_path, [entry(), entry(**bad)])
    with pytest.raises(ValueError, match=message) as err:
        build(MpiiJsonDataset, ann_file)
    assert f'{ann_file}: entry 1' in str(err.value)


@pytest.mark.parametrize('key', ['center', 'scale', 'joints_vis', 'image'])
def test_missing_key_names_it(tmp_path, key):
    ann = entry()
    del ann[key]
    ann_file = write(tmp_path, [ann])
    with pytest.raises(ValueError, match=f"entry 0: missing key.*'{key}'"):
        build(MpiiJsonDataset, ann_file)


def test_truncated_json_names_the_line(tmp_path):
    text = json.dumps([entry()], indent=1)
    ann_file = write(tmp_path, None, text=text[:len(text) // 2])
    with pytest.raises(ValueError, match=rf'{ann_file}:\d+: not valid JSON'):
        build(MpiiJsonDataset, ann_file)


def test_not_a_list(tmp_path):
    ann_file = write(tmp_path, dict(a=1))
    with pytest.raises(ValueError, match='expected a list'):
        build(MpiiJsonDataset, ann_file)
