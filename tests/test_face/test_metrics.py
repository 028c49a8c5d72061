import math

import numpy as np
import pytest
import torch

import mmext  # noqa: F401
from mmext.face.evaluation import FaceVerificationMetric, IJBTemplateMetric
from mmext.face.evaluation.metrics.ijb_metric import roc_curve, tar_at_far
from mmext.face.evaluation.metrics.verification_metric import (
    kfold_splits, verification_scores)


def pairs_at_distances(dists):
    """Unit embedding pairs whose squared L2 distances are ``dists``."""
    angles = np.arccos(1 - np.asarray(dists) / 2)
    e1 = np.tile([1., 0.], (len(dists), 1))
    e2 = np.stack([np.cos(angles), np.sin(angles)], 1)
    return e1, e2


def test_kfold_matches_sklearn_layout():
    folds = kfold_splits(23, 10)
    assert [len(test) for _, test in folds] == [3, 3, 3] + [2] * 7
    assert list(folds[1][1]) == [3, 4, 5]
    assert len(folds[1][0]) == 20 and 3 not in folds[1][0]


def test_accuracy_hand_computed_folds():
    """20 pairs, folds of 2: pairs 0-9 same, 10-19 different.

    Same pairs are at distance 0.5053, different at 1.5053, except pair 3
    (same, 1.6053) and pair 12 (different, 0.4053). In every fold the best
    training threshold is the first grid value above 0.5053, 0.51 (training
    accuracy 16/18 or 17/18); the test accuracy is 1 except in fold 1 (pair
    3 rejected) and fold 6 (pair 12 accepted), 0.5 each. Mean 0.9, std 0.2.
    """
    dists = np.r_[[0.5053] * 10, [1.5053] * 10]
    dists[3], dists[12] = 1.6053, 0.4053
    issame = np.arange(20) < 10
    scores = verification_scores(*pairs_at_distances(dists), issame)
    np.testing.assert_allclose(scores['threshold'], 0.51)
    np.testing.assert_allclose(scores['accuracy'],
                               [1, .5, 1, 1, 1, 1, .5, 1, 1, 1])
    assert scores['accuracy'].mean() == pytest.approx(0.9)
    assert scores['accuracy'].std() == pytest.approx(0.2)


def test_tar_at_far_hand_computed():
    """Alternating same (0.2053) and different (1.5053) pairs.

    Each fold holds one of each. On the 9 training different pairs the FAR
    is 0 up to the grid threshold 1.505 and 1 from 1.506, so the threshold
    for FAR 1e-3 interpolates to 1.505 + 0.001 * 1e-3 = 1.505001: the test
    same pair is accepted and the different one rejected.
    """
    dists = np.where(np.arange(20) % 2 == 0, 0.2053, 1.5053)
    scores = verification_scores(*pairs_at_distances(dists),
                                 np.arange(20) % 2 == 0)
    np.testing.assert_allclose(scores['tar'], 1.)
    np.testing.assert_allclose(scores['far'], 0.)
    np.testing.assert_allclose(scores['accuracy'], 1.)


def reference_accuracy(dist, issame, num_folds=10):
    """insightface's loops, threshold by threshold."""
    thresholds = np.arange(0, 4, 0.01)

    def acc(threshold, d, same):
        predict = d < threshold
        tp = np.sum(predict & same)
        tn = np.sum(~predict & ~same)
        return (tp + tn) / d.size

    result = []
    for train, test in kfold_splits(len(dist), num_folds):
        train_acc = [acc(t, dist[train], issame[train]) for t in thresholds]
        best = thresholds[int(np.argmax(train_acc))]
        result.append(acc(best, dist[test], issame[test]))
    return np.array(result)


def test_vectorised_equals_threshold_loop():
    rng = np.random.RandomState(0)
    issame = rng.rand(300) < 0.5
    e1 = rng.randn(300, 8)
    e2 = np.where(issame[:, None], e1 + 0.8 * rng.randn(300, 8),
                  rng.randn(300, 8))
    e1 /= np.linalg.norm(e1, axis=1, keepdims=True)
    e2 /= np.linalg.norm(e2, axis=1, keepdims=True)
    scores = verification_scores(e1, e2, issame)
    dist = np.sum((e1 - e2)**2, 1)
    np.testing.assert_allclose(scores['accuracy'],
                               reference_accuracy(dist, issame))
    assert 0.6 < scores['accuracy'].mean() < 1


def test_metric_over_data_samples():
    metric = FaceVerificationMetric()
    e1, e2 = pairs_at_distances(
        np.where(np.arange(20) % 2 == 0, 0.2053, 1.5053))
    samples = []
    for i in range(20):
        for pos, emb in enumerate((e1[i], e2[i])):
            samples.append(
                dict(
                    set_name='lfw',
                    pair_index=i,
                    pair_pos=pos,
                    issame=i % 2 == 0,
                    pred_feat=torch.tensor(3 * emb)))  # not normalised
    metric.process({}, samples[::-1])
    results = metric.evaluate(len(samples))
    assert results['verification/lfw/accuracy'] == pytest.approx(100.)
    assert results['verification/lfw/tar@far=1e-3'] == pytest.approx(100.)

    metric.process({}, samples[1:])
    with pytest.raises(ValueError, match='set lfw: no embedding for 1 of 20'):
        metric.evaluate(len(samples) - 1)
    with pytest.raises(KeyError, match='lacks'):
        metric.process({}, [dict(pred_feat=torch.zeros(2))])


def test_roc_curve_hand_example():
    labels = np.array([1, 0, 1, 1, 0, 0])
    scores = np.array([0.9, 0.8, 0.7, 0.7, 0.3, 0.1])
    fpr, tpr = roc_curve(labels, scores)
    # thresholds 0.9, 0.8, 0.7, 0.3, 0.1 give (fp, tp) = (0,1), (1,1),
    # (1,3), (2,3), (3,3); (1,1) is a corner, (2,3) is collinear with its
    # neighbours and dropped, as by sklearn's drop_intermediate.
    np.testing.assert_allclose(fpr, [0, 0, 1 / 3, 1 / 3, 1])
    np.testing.assert_allclose(tpr, [0, 1 / 3, 1 / 3, 1, 1])
    # FAR 1/3 is reached twice: insightface takes the higher TPR.
    assert tar_at_far(fpr, tpr, 0.3) == 1.
    assert tar_at_far(fpr, tpr, 0.01) == pytest.approx(1 / 3)


def test_ijb_template_metric(tmp_path):
    pair_file = tmp_path / 'ijbc_template_pair_label.txt'
    pair_file.write_text('1 2 1\n1 3 0\n2 3 0\n')
    metric = IJBTemplateMetric(str(pair_file), far_targets=(1e-4, 0.5))
    # template 1: media 10 (two images) and media 11; templates 2 and 3.
    feats = [[1., 0.], [3., 0.], [0., 1.], [2., 1.], [-1., 1.]]
    ids = [(1, 10, 1.), (1, 10, 1.), (1, 11, 1.), (2, 20, 0.5), (3, 30, 1.)]
    samples = [
        dict(
            template_id=t,
            media_id=m,
            faceness_score=s,
            pred_feat=torch.tensor(f)) for (t, m, s), f in zip(ids, feats)
    ]
    template_ids, template_feats = metric.template_features(
        np.array([i[0] for i in ids]), np.array([i[1] for i in ids]),
        np.array(feats))
    # template 1 = mean([1,0],[3,0]) + [0,1] = [2, 1], normalised
    np.testing.assert_allclose(template_feats[0], np.array([2, 1]) / 5**.5)
    metric.process({}, samples)
    results = metric.evaluate(len(samples))
    # scores: (1,2) = 1, (1,3) = -1/sqrt(10), (2,3) = -1/sqrt(10): the
    # genuine pair is ranked first, so TAR is 100 at any FAR.
    assert results == {'ijb/tar@far=1e-4': 100., 'ijb/tar@far=5e-1': 100.}
    assert list(template_ids) == [1, 2, 3]

    pair_file.write_text('1 4 1\n1 3 0\n')
    metric.process({}, samples)
    with pytest.raises(ValueError, match='template 4 has no image'):
        metric.evaluate(len(samples))


def test_ijb_cosine_of_sum():
    """Sanity check of the score: cosine of the template features."""
    metric = IJBTemplateMetric('unused')
    _, feats = metric.template_features(
        np.array([1, 2]), np.array([1, 2]), np.array([[1., 1.], [1., 0.]]))
    assert feats[0] @ feats[1] == pytest.approx(math.cos(math.pi / 4))
