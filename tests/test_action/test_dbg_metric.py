"""AR@AN of proposals merged over sliding windows, on hand-worked cases."""
import json
import math

import numpy as np
import pytest
from mmaction.evaluation import ANetMetric
from mmengine.structures import BaseDataElement

import mmext.action  # noqa: F401  compat shims before mmaction.models
from mmext.action.evaluation.metrics import SlidingWindowARMetric

GT = [dict(segment=[10., 20.], label='a'), dict(segment=[50., 70.], label='b')]


def window(offset, proposals, name='video_a', duration=100., gt=GT):
    sample = BaseDataElement(
        metainfo=dict(
            video_name=name,
            window_offset=offset,
            video_duration_second=duration,
            annotations=gt))
    prediction = dict(
        video_name=name,
        proposal_list=[dict(segment=s, score=c) for s, c in proposals])
    return sample, prediction


def evaluate(metric, windows):
    for sample, prediction in windows:
        metric.process(dict(data_samples=[sample]), [prediction])
    return metric.evaluate(len(windows))


def test_windows_are_shifted_merged_and_ranked(tmp_path):
    out = str(tmp_path / 'merged.json')
    metric = SlidingWindowARMetric(
        proposal_nums=(1, 2),
        temporal_iou_thresholds=[0.5, 0.75],
        dump_config=dict(out=out))
    metrics = evaluate(
        metric,
        [
            window(0., [([10., 20.], 0.9), ([0., 5.], 0.1)]),
            window(40., [([10., 30.], 0.8)]),  # [50, 70] in video time
        ])
    # proposals ranked 0.9 [10, 20], 0.8 [50, 70], 0.1 [0, 5]; with AN = 2
    # per video the top 2 match both ground truths, with AN = 1 one of two.
    assert metrics['AR@1'] == pytest.approx(0.5)
    assert metrics['AR@2'] == pytest.approx(1.0)
    merged = json.load(open(out))['results']['video_a']
    assert np.allclose([p['segment'] for p in merged],
                       [[10., 20.], [50., 70.]])


def test_duplicates_of_overlapping_windows_are_decayed():
    metric = SlidingWindowARMetric(proposal_nums=(1, 4))
    for sample, prediction in [
            window(0., [([50., 70.], 0.8)]),
            window(40., [([10., 30.], 0.7), ([0., 5.], 0.75)])
    ]:
        metric.process(dict(data_samples=[sample]), [prediction])
    videos = metric.merge_windows(metric.results)
    proposals = videos['video_a']['proposals']
    # [50, 70] from both windows: the second copy (IoU 1 > 0.65 + 0.25 *
    # 0.2) decays to 0.7 * exp(-1 / 0.75), below [40, 45] (0.75)
    assert proposals[:, 2].tolist() == pytest.approx(
        [0.8, 0.75, 0.7 * math.exp(-1 / 0.75)])
    assert np.allclose(proposals[:, :2], [[50., 70.], [40., 45.], [50., 70.]])


def test_videos_without_ground_truth_are_skipped():
    metric = SlidingWindowARMetric(proposal_nums=(1, 2))
    metrics = evaluate(metric, [
        window(0., [([10., 20.], 0.9), ([50., 70.], 0.5)]),
        window(0., [([1., 2.], 0.9)], name='video_b', gt=[]),
    ])
    assert metrics['AR@2'] == pytest.approx(1.0)
    metric = SlidingWindowARMetric(proposal_nums=(1, 2))
    with pytest.raises(ValueError, match='no evaluated video'):
        evaluate(metric, [window(0., [([1., 2.], 0.9)], gt=[])])


def test_proposal_nums_must_be_percentiles():
    with pytest.raises(ValueError, match='multiple of 1%'):
        SlidingWindowARMetric(proposal_nums=(3, 1000))


def test_anet_metric_on_dbg_style_predictions():
    """mmaction2's ANetMetric, reused for ActivityNet, on a hand case."""
    metric = ANetMetric(metric_type='AR@AN', dump_config=dict(out=''))
    metric.output_format = 'none'
    metric.dump_results = lambda results: None
    sample = BaseDataElement(metainfo=dict(video_name='v_a', annotations=GT))
    proposals = [dict(segment=[10., 20.], score=0.9)] + [
        dict(segment=[80. + i / 10, 81. + i / 10], score=0.5 - i / 1000)
        for i in range(98)
    ] + [dict(segment=[50., 70.], score=0.01)]
    metric.process(
        dict(data_samples=[sample]),
        [dict(video_name='v_a', proposal_list=proposals)])
    metrics = metric.compute_metrics(metric.results)
    # the first proposal finds one of two ground truths, the 100th the other
    assert metrics['AR@1'] == pytest.approx(0.5)
    assert metrics['AR@10'] == pytest.approx(0.5)
    assert metrics['AR@100'] == pytest.approx(1.0)
    assert np.isfinite(metrics['auc'])
