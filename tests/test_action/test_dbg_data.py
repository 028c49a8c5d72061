"""DBG data: quickstart generator, ActivityNet resampling, THUMOS windows."""
import filecmp
import json
import os
import os.path as osp

import numpy as np
import pytest
from mmaction.registry import DATASETS
from mmengine.registry import init_default_scope

import mmext.action  # noqa: F401  compat shims before mmaction.models
from mmext.action.datasets.dbg_quickstart_data import (FEATURE_DIR, NUM_TRAIN,
                                                       NUM_VAL,
                                                       prepare_quickstart_data)

ANET_PIPELINE = [
    dict(type='LoadLocalizationFeature'),
    dict(type='GenerateLocalizationLabels'),
    dict(
        type='PackLocalizationInputs',
        keys=('gt_bbox', ),
        meta_keys=('video_name', 'duration_second', 'duration_frame',
                   'annotations', 'feature_frame'))
]


@pytest.fixture(scope='module')
def quickstart(tmp_path_factory):
    root = str(tmp_path_factory.mktemp('qs') / 'dbg') + '/'
    prepare_quickstart_data(root)
    return root


def anet_dataset(root, split, **kwargs):
    init_default_scope('mmaction')
    return DATASETS.build(
        dict(
            type='ResampledActivityNetDataset',
            ann_file=osp.join(root, f'anet_anno_{split}.json'),
            data_prefix=dict(video=osp.join(root, FEATURE_DIR)),
            pipeline=ANET_PIPELINE,
            **kwargs))


def test_quickstart_layout_deterministic_and_idempotent(quickstart, tmp_path):
    names = sorted(os.listdir(osp.join(quickstart, FEATURE_DIR)))
    assert len(names) == NUM_TRAIN + NUM_VAL
    with open(osp.join(quickstart, FEATURE_DIR, names[0])) as f:
        header = f.readline().strip().split(',')
        rows = f.read().strip().splitlines()
    assert header == [f'f{i}' for i in range(400)] and len(rows) == 100
    train = json.load(open(osp.join(quickstart, 'anet_anno_train.json')))
    val = json.load(open(osp.join(quickstart, 'anet_anno_val.json')))
    assert len(train) == NUM_TRAIN and len(val) == NUM_VAL
    assert not set(train) & set(val)
    info = next(iter(val.values()))
    assert set(info) == {
        'duration_second', 'duration_frame', 'annotations', 'feature_frame',
        'fps', 'rfps'
    }
    assert all(name.startswith('v_') and len(name) == 13 for name in train)
    # a second call keeps the data; another folder gets identical data
    mtime = os.path.getmtime(osp.join(quickstart, 'anet_anno_val.json'))
    prepare_quickstart_data(quickstart)
    assert os.path.getmtime(osp.join(quickstart,
                                     'anet_anno_val.json')) == mtime
    other = str(tmp_path / 'again')
    prepare_quickstart_data(other)
    for name in ('anet_anno_train.json', 'anet_anno_val.json',
                 osp.join(FEATURE_DIR, names[0])):
        assert filecmp.cmp(
            osp.join(quickstart, name), osp.join(other, name), shallow=False)


def test_mmaction2_pipeline_reads_quickstart(quickstart):
    dataset = anet_dataset(quickstart, 'val', test_mode=True)
    assert len(dataset) == NUM_VAL
    item = dataset[0]
    assert tuple(item['inputs'].shape) == (400, 100)
    meta = item['data_samples'].metainfo
    corrected = (
        meta['feature_frame'] / meta['duration_frame'] *
        meta['duration_second'])
    gt = item['data_samples'].gt_instances['gt_bbox'].numpy()
    segments = np.array([a['segment'] for a in meta['annotations']])
    assert np.allclose(gt, segments / corrected)
    # actions carry a signature: feature rows inside actions differ
    inside = np.zeros(100, dtype=bool)
    for start, end in gt:
        inside[int(np.ceil(start * 100)):int(end * 100)] = True
    features = item['inputs'].numpy()
    signal = np.abs(features[:, inside].mean(1) - features[:, ~inside].mean(1))
    assert signal.max() > 0.5


def test_resampling_drops_long_and_repeats_short(quickstart):
    dataset = anet_dataset(
        quickstart,
        'train',
        drop_mean_length_above=0.3,
        repeat_mean_length_below=0.1)
    raw = json.load(open(osp.join(quickstart, 'anet_anno_train.json')))
    lengths = {}
    for name, info in raw.items():
        featured = (
            info['feature_frame'] / info['duration_frame'] *
            info['duration_second'])
        lengths[name] = np.mean([(a['segment'][1] - a['segment'][0]) / featured
                                 for a in info['annotations']])
    expected = sorted([n for n, m in lengths.items() if m < 0.3] +
                      [n for n, m in lengths.items() if m < 0.1])
    got = sorted(
        dataset.get_data_info(i)['video_name'] for i in range(len(dataset)))
    assert got == expected and 0 < len(expected) != NUM_TRAIN
    # not in test mode only
    assert len(
        anet_dataset(
            quickstart, 'train', test_mode=True,
            drop_mean_length_above=0.3)) == NUM_TRAIN


def write_annotations(path, database):
    with open(path, 'w') as f:
        json.dump(database, f)


def test_bad_annotations_name_file_and_video(tmp_path):
    ann = str(tmp_path / 'anno.json')
    info = dict(
        duration_second=10.,
        duration_frame=250,
        feature_frame=240,
        fps=25.,
        annotations=[dict(segment=[1., 2.], label='a')])
    write_annotations(ann, {'v_ok': info, 'v_bad': dict(info, fps=25.)})
    del_info = dict(info)
    del del_info['duration_frame']
    write_annotations(ann, {'v_ok': info, 'v_bad': del_info})
    init_default_scope('mmaction')
    with pytest.raises(
            KeyError,
            match=r"anno.json: video 'v_bad' lacks "
            r"\['duration_frame'\]"):
        DATASETS.build(
            dict(
                type='ResampledActivityNetDataset', ann_file=ann, pipeline=[]))
    write_annotations(
        ann,
        {'v_bad': dict(info, annotations=[dict(segment=[3., 2.], label='a')])})
    with pytest.raises(ValueError, match="'v_bad'.*start <= end"):
        DATASETS.build(
            dict(
                type='ResampledActivityNetDataset', ann_file=ann, pipeline=[]))
    write_annotations(ann, {'v_bad': dict(info, fps=0)})
    with pytest.raises(KeyError, match="'v_bad' lacks a positive fps"):
        DATASETS.build(
            dict(
                type='SlidingWindowFeatureDataset', ann_file=ann, pipeline=[]))


WINDOW_PIPELINE = [
    dict(type='LoadLocalizationFeature'),
    dict(type='CropFeatureWindow'),
    dict(
        type='PackLocalizationInputs',
        keys=('gt_bbox', ),
        meta_keys=('video_name', 'duration_second', 'duration_frame',
                   'annotations', 'window_offset', 'video_duration_second'))
]


@pytest.fixture
def thumos(tmp_path):
    """Two videos at 25 fps with 5-frame snippets (5 snippets / s)."""
    features = tmp_path / 'features'
    features.mkdir()
    database = {}
    for name, snippets, segments in [('video_a', 300, [[10., 14.]]),
                                     ('video_b', 40, [[1., 3.], [5., 7.]])]:
        data = np.arange(snippets, dtype=np.float32)[:, None].repeat(4, 1)
        np.savetxt(
            str(features / f'{name}.csv'),
            data,
            delimiter=',',
            header='f0,f1,f2,f3',
            comments='')
        database[name] = dict(
            duration_second=snippets / 5 + 0.1,
            duration_frame=snippets * 5 + 2,
            feature_frame=snippets * 5,
            fps=25.,
            annotations=[dict(segment=s, label='x') for s in segments])
    write_annotations(str(tmp_path / 'anno.json'), database)
    return tmp_path


def window_dataset(root, **kwargs):
    init_default_scope('mmaction')
    return DATASETS.build(
        dict(
            type='SlidingWindowFeatureDataset',
            ann_file=str(root / 'anno.json'),
            data_prefix=dict(video=str(root / 'features')),
            pipeline=WINDOW_PIPELINE,
            window_size=64,
            window_stride=32,
            snippet_interval=5,
            **kwargs))


def test_sliding_windows_in_test_mode(thumos):
    dataset = window_dataset(thumos, test_mode=True)
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    starts = [(i['video_name'], i['window_start']) for i in infos]
    assert starts == [
        ('video_a', s) for s in (0, 32, 64, 96, 128, 160, 192, 224, 236)
    ] + [('video_b', 0)]
    item = dataset[2]  # video_a, window from snippet 64 = 12.8 s
    assert item['inputs'][0].tolist() == list(range(64, 128))
    meta = item['data_samples'].metainfo
    assert meta['window_offset'] == pytest.approx(12.8)
    assert meta['duration_second'] == pytest.approx(12.8)
    assert meta['duration_frame'] == 320
    assert meta['video_duration_second'] == pytest.approx(60.1)
    assert meta['annotations'] == [dict(segment=[10., 14.], label='x')]
    short = dataset[len(dataset) - 1]  # 40 snippets, zero-padded to 64
    assert short['inputs'][0, :40].tolist() == list(range(40))
    assert (short['inputs'][:, 40:] == 0).all()


def test_sliding_windows_in_training_keep_inner_ground_truths(thumos):
    dataset = window_dataset(thumos)
    # [10, 14] s = snippets 50-70 lies inside the window at snippet 32 only
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [(i['video_name'], i['window_start'])
            for i in infos] == [('video_a', 32), ('video_b', 0)]
    gt = dataset[0]['data_samples'].gt_instances['gt_bbox'].numpy()
    assert np.allclose(gt, [[(10 - 6.4) / 12.8, (14 - 6.4) / 12.8]])
    gt = dataset[1]['data_samples'].gt_instances['gt_bbox'].numpy()
    assert np.allclose(gt, np.array([[1., 3.], [5., 7.]]) / 12.8)


def test_crop_names_the_feature_file_on_mismatch(thumos):
    ann = json.load(open(thumos / 'anno.json'))
    ann['video_a']['feature_frame'] = 3000  # says 600 snippets, CSV has 300
    write_annotations(str(thumos / 'anno.json'), ann)
    dataset = window_dataset(thumos, test_mode=True)
    with pytest.raises(ValueError, match=r'video_a\.csv: 300 snippets'):
        dataset[len(dataset) - 2]


def test_segments_outside_the_video_truncated_json_and_short_csv_rows(
        tmp_path):
    """Each error names the file and the video, or the line."""
    ann = str(tmp_path / 'anno.json')
    info = dict(duration_second=10., duration_frame=250, feature_frame=240,
                fps=25., annotations=[dict(segment=[1., 2.], label='a')])
    init_default_scope('mmaction')

    def build(**kwargs):
        return DATASETS.build(
            dict(type='ResampledActivityNetDataset', ann_file=ann,
                 data_prefix=dict(video=str(tmp_path)), **kwargs))

    for segment in ([-0.5, 2.], [8., 10.5]):
        write_annotations(ann, {'v_out': dict(
            info, annotations=[dict(segment=segment, label='a')])})
        with pytest.raises(ValueError,
                           match=r"anno.json: video 'v_out': segment .* "
                           r'outside the video \(0 to 10.0 s\)'):
            build(pipeline=[])
    write_annotations(ann, {'v_ok': info})
    with open(ann) as f:
        text = f.read()
    with open(ann, 'w') as f:
        f.write(text[:len(text) // 2])
    with pytest.raises(ValueError, match=r'anno.json:\d+: not valid JSON'):
        build(pipeline=[])
    write_annotations(ann, {'v_ok': info})
    with open(tmp_path / 'v_ok.csv', 'w') as f:
        f.write('f0,f1,f2\n1,2,3\n4,5\n7,8,9\n')
    dataset = build(pipeline=[dict(type='LoadLocalizationFeature')])
    with pytest.raises(ValueError,
                       match=r"video 'v_ok' \(.*v_ok.csv\): .*row 2"):
        dataset[0]
