"""DBG's soft-NMS and post-processing against straightforward references."""
import math

import numpy as np
import pytest
import torch
from mmaction.structures import ActionDataSample

# isort: off
import mmext.action  # noqa: F401  compat shims before mmaction.models
from mmaction.models.localizers.utils import post_processing, soft_nms
# isort: on
from mmext.action.models.localizers import DBG, batched_soft_nms


def test_soft_nms_by_hand():
    segments = np.array([[[0., 0.5], [0.05, 0.5], [0.6, 1.0]]])
    scores = np.array([[0.9, 0.8, 0.7]])
    keep, kept, kept_scores = batched_soft_nms(segments, scores, 0.75, 0.65,
                                               0.9, 100)
    # A is taken (threshold 0.65 + 0.25 * 0.5 = 0.775); IoU(A, B) = 0.9
    # decays B to 0.8 * exp(-0.81 / 0.75); C (IoU 0) is next, then B.
    assert keep.tolist() == [[0, 2, 1]]
    assert kept_scores[0].tolist() == pytest.approx(
        [0.9, 0.7, 0.8 * math.exp(-0.81 / 0.75)])
    assert kept[0].tolist() == [[0., 0.5], [0.6, 1.0], [0.05, 0.5]]
    # below the width-dependent threshold nothing decays
    _, _, kept_scores = batched_soft_nms(segments, scores, 0.75, 0.95, 0.95, 2)
    assert kept_scores[0].tolist() == pytest.approx([0.9, 0.8])
    with pytest.raises(ValueError, match=r'\(B, N, 2\)'):
        batched_soft_nms(segments[0], scores, 0.75, 0.65, 0.9, 2)


def random_proposals(rng, num):
    start = rng.random(num) * 0.9
    return np.stack([start, start + rng.random(num) * (1 - start)],
                    axis=1), rng.random(num)


@pytest.mark.parametrize('top_k', [5, 100, 400])
def test_batched_soft_nms_equals_mmaction2(top_k):
    rng = np.random.default_rng(top_k)
    videos = [random_proposals(rng, 300) for _ in range(3)]
    segments = np.stack([v[0] for v in videos])
    scores = np.stack([v[1] for v in videos])
    _, kept, kept_scores = batched_soft_nms(segments, scores, 0.75, 0.65, 0.9,
                                            top_k)
    for i, (segs, scs) in enumerate(videos):
        ref = soft_nms(
            np.concatenate([segs, scs[:, None]], axis=1), 0.75, 0.65, 0.9,
            top_k)
        ref = ref[np.argsort(-ref[:, 2], kind='stable')][:top_k]
        num = min(top_k, 300)
        assert np.allclose(kept[i], ref[:num, :2])
        assert np.allclose(kept_scores[i], ref[:num, 2])


def reference_predict(iou_map, start_map, end_map, info, model):
    """DBG's post-processing written out with loops and mmaction2."""
    tscale = iou_map.shape[0]
    start = [np.mean(start_map[i, i:]) for i in range(tscale)]
    end = [np.mean(end_map[:j + 1, j]) for j in range(tscale)]
    rows = []
    for i in range(tscale):
        for j in range(i, tscale):
            rows.append([
                i / tscale, (j + 1) / tscale, iou_map[i, j] * start[i] * end[j]
            ])
    return post_processing(
        np.array(rows), info, model.soft_nms_alpha,
        model.soft_nms_low_threshold, model.soft_nms_high_threshold,
        model.post_process_top_k, model.feature_extraction_interval)


def test_predict_equals_reference_loop_for_every_video(monkeypatch):
    tscale = 16
    model = DBG(
        temporal_dim=tscale,
        feat_dim=8,
        dsb_hidden_dims=(4, 4),
        acr_hidden_dim=4,
        tbc_hidden_dim_3d=4,
        tbc_hidden_dim_2d=4,
        post_process_top_k=50).eval()
    generator = torch.Generator().manual_seed(0)
    maps = [
        torch.rand(
            3, tscale, tscale, generator=generator, dtype=torch.float64)
        for _ in range(3)
    ]
    monkeypatch.setattr(model, '_forward', lambda x: (None, *maps))
    infos = [
        dict(video_name='v_a', duration_frame=1000, duration_second=40.),
        dict(video_name='v_b', duration_frame=3333, duration_second=111.1),
        dict(video_name='v_c', duration_frame=900, duration_second=30.),
    ]
    samples = []
    for info in infos:
        sample = ActionDataSample()
        sample.set_metainfo(info)
        samples.append(sample)
    results = model.predict(torch.zeros(3, 8, tscale), samples)
    assert [r['video_name'] for r in results] == ['v_a', 'v_b', 'v_c']
    for b, (result, info) in enumerate(zip(results, infos)):
        expected = reference_predict(*(m[b].numpy() for m in maps), info,
                                     model)
        assert len(result['proposal_list']) == len(expected) == 50
        for got, ref in zip(result['proposal_list'], expected):
            assert got['score'] == pytest.approx(ref['score'], abs=1e-9)
            assert got['segment'] == pytest.approx(ref['segment'], abs=1e-9)


def test_score_proposals_covers_every_start_end_pair():
    model = DBG(
        temporal_dim=5,
        feat_dim=4,
        dsb_hidden_dims=(2, 2),
        acr_hidden_dim=2,
        tbc_hidden_dim_3d=2,
        tbc_hidden_dim_2d=2)
    ones = torch.ones(2, 5, 5)
    segments, scores = model.score_proposals(ones, ones, ones)
    assert segments.shape == (2, 15, 2) and scores.shape == (2, 15)
    assert segments[0, 0].tolist() == pytest.approx([0, 0.2])
    assert segments[0, -1].tolist() == pytest.approx([0.8, 1.0])
    assert (segments[..., 1] > segments[..., 0]).all()
    assert torch.allclose(scores, torch.ones(()))
