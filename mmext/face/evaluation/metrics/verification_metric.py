from collections import defaultdict
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS


def kfold_splits(num_samples: int,
                 num_folds: int) -> List[Tuple[np.ndarray, np.ndarray]]:
    """Contiguous k-fold splits (``sklearn`` ``KFold(shuffle=False)``).

    The first ``num_samples % num_folds`` folds hold one sample more.

    Returns:
        list[tuple[np.ndarray, np.ndarray]]: ``(train, test)`` indices.
    """
    if not 2 <= num_folds <= num_samples:
        raise ValueError(f'cannot split {num_samples} pairs into '
                         f'{num_folds} folds')
    sizes = np.full(num_folds, num_samples // num_folds)
    sizes[:num_samples % num_folds] += 1
    bounds = np.r_[0, np.cumsum(sizes)]
    indices = np.arange(num_samples)
    return [(np.r_[indices[:start], indices[stop:]], indices[start:stop])
            for start, stop in zip(bounds[:-1], bounds[1:])]


def _accept_counts(dist: np.ndarray, issame: np.ndarray,
                   thresholds: np.ndarray) -> Tuple[np.ndarray, ...]:
    """Pairs accepted (``dist < threshold``) per threshold, vectorised.

    Returns:
        tuple[np.ndarray, ...]: true accepts, false accepts (one per
        threshold), and the numbers of same and different pairs.
    """
    same = np.sort(dist[issame])
    diff = np.sort(dist[~issame])
    true_accept = np.searchsorted(same, thresholds, side='left')
    false_accept = np.searchsorted(diff, thresholds, side='left')
    return true_accept, false_accept, same.size, diff.size


def _accuracy(dist: np.ndarray, issame: np.ndarray,
              thresholds: np.ndarray) -> np.ndarray:
    true_accept, false_accept, _, num_diff = _accept_counts(
        dist, issame, thresholds)
    true_reject = num_diff - false_accept
    return (true_accept + true_reject) / dist.size


def _rates(dist: np.ndarray, issame: np.ndarray,
           thresholds: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """True and false accept rates per threshold (0 when undefined)."""
    true_accept, false_accept, num_same, num_diff = _accept_counts(
        dist, issame, thresholds)
    tar = true_accept / num_same if num_same else np.zeros(len(thresholds))
    far = false_accept / num_diff if num_diff else np.zeros(len(thresholds))
    return tar, far


def verification_scores(embeddings1: np.ndarray,
                        embeddings2: np.ndarray,
                        issame: np.ndarray,
                        num_folds: int = 10,
                        far_target: float = 1e-3) -> Dict[str, object]:
    """Pair verification as insightface's ``eval/verification.py``.

    The distance of a pair is the squared L2 distance of its (normalised)
    embeddings; a pair is accepted as "same" when the distance is strictly
    below the threshold.

    * Accuracy: contiguous ``num_folds``-fold cross validation; on each
      fold the threshold of ``np.arange(0, 4, 0.01)`` with the best training
      accuracy (the smallest on ties) is applied to the test fold.
    * TAR@FAR: on each fold the threshold of ``np.arange(0, 4, 0.001)``
      reaching ``far_target`` on the training folds (linear interpolation of
      the threshold over the training FAR, 0 if the FAR never reaches the
      target) gives the TAR and FAR of the test fold. insightface
      interpolates with ``scipy.interpolate.interp1d(kind='slinear')``,
      which current SciPy rejects on the repeated FAR values;
      ``np.interp`` gives what it gave.

    Args:
        embeddings1 (np.ndarray): First embeddings of the pairs, ``(N, D)``.
        embeddings2 (np.ndarray): Second embeddings, ``(N, D)``.
        issame (np.ndarray): Pair labels, ``(N, )``.
        num_folds (int): Number of folds. Defaults to 10.
        far_target (float): Target FAR. Defaults to 1e-3.

    Returns:
        dict: ``accuracy`` (per fold, ``(num_folds, )``), ``threshold``
        (best threshold per fold), ``tpr`` / ``fpr`` (test ROC averaged over
        folds, per threshold of the accuracy grid), ``tar`` / ``far``
        (per fold at ``far_target``).
    """
    issame = np.asarray(issame, dtype=bool)
    dist = np.sum(np.square(embeddings1 - embeddings2), axis=1)
    acc_grid = np.arange(0, 4, 0.01)
    val_grid = np.arange(0, 4, 0.001)
    folds = kfold_splits(len(issame), num_folds)
    accuracy = np.zeros(num_folds)
    best = np.zeros(num_folds)
    tprs = np.zeros((num_folds, len(acc_grid)))
    fprs = np.zeros((num_folds, len(acc_grid)))
    tar = np.zeros(num_folds)
    far = np.zeros(num_folds)
    for i, (train, test) in enumerate(folds):
        best[i] = acc_grid[np.argmax(
            _accuracy(dist[train], issame[train], acc_grid))]
        tprs[i], fprs[i] = _rates(dist[test], issame[test], acc_grid)
        accuracy[i] = _accuracy(dist[test], issame[test], best[i:i + 1])[0]

        _, far_train = _rates(dist[train], issame[train], val_grid)
        threshold = np.interp(far_target, far_train, val_grid) \
            if far_train.max() >= far_target else 0.0
        test_tar, test_far = _rates(dist[test], issame[test],
                                    np.array([threshold]))
        tar[i], far[i] = test_tar[0], test_far[0]
    return dict(
        accuracy=accuracy,
        threshold=best,
        tpr=tprs.mean(0),
        fpr=fprs.mean(0),
        tar=tar,
        far=far)


@METRICS.register_module()
class FaceVerificationMetric(BaseMetric):
    """Pair verification accuracy and TAR@FAR (LFW protocol, insightface).

    Works with :class:`VerificationBinDataset` and :class:`FaceRecognizer`:
    each image sample carries ``set_name``, ``pair_index``, ``pair_pos``,
    ``issame`` and the predicted embedding ``pred_feat`` (flip-summed by the
    model when ``test_cfg=dict(flip=True)``). Embeddings are L2-normalised
    here, so the protocol holds whatever the model's ``normalize``.

    Reported per set (values in %), e.g. for ``lfw``:

    - ``verification/lfw/accuracy``: mean 10-fold accuracy.
    - ``verification/lfw/accuracy_std``: its standard deviation (ddof 0).
    - ``verification/lfw/threshold``: mean best distance threshold.
    - ``verification/lfw/tar@far=1e-3``: mean TAR at the target FAR, and
      ``verification/lfw/far`` the FAR reached.

    See :func:`verification_scores` for the exact protocol.

    Args:
        num_folds (int): Number of cross-validation folds. Defaults to 10.
        far_target (float): The FAR of the TAR@FAR. Defaults to 1e-3.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the keys. Defaults to
            ``'verification'``.
    """

    default_prefix = 'verification'

    def __init__(self,
                 num_folds: int = 10,
                 far_target: float = 1e-3,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.num_folds = num_folds
        self.far_target = far_target

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep the embedding and the pair information of every image."""
        for sample in data_samples:
            missing = [
                key for key in ('set_name', 'pair_index', 'pair_pos', 'issame',
                                'pred_feat') if key not in sample
            ]
            if missing:
                raise KeyError(
                    f'data sample {sample.get("sample_idx")} lacks '
                    f'{missing}: use VerificationBinDataset, PackInputs('
                    "meta_keys=('sample_idx', 'set_name', 'pair_index', "
                    "'pair_pos', 'issame')) and FaceRecognizer")
            self.results.append(
                (sample['set_name'], int(sample['pair_index']),
                 int(sample['pair_pos']), bool(sample['issame']),
                 sample['pred_feat'].detach().cpu().float().numpy()))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """Verification scores of every set."""
        by_set = defaultdict(list)
        for result in results:
            by_set[result[0]].append(result[1:])
        metrics = {}
        for name, items in by_set.items():
            embeddings1, embeddings2, issame = self._pairs(name, items)
            scores = verification_scores(
                embeddings1,
                embeddings2,
                issame,
                num_folds=self.num_folds,
                far_target=self.far_target)
            far_key = f'{self.far_target:.0e}'.replace('e-0', 'e-')
            accuracy = 100 * scores['accuracy']
            metrics[f'{name}/accuracy'] = accuracy.mean()
            metrics[f'{name}/accuracy_std'] = accuracy.std()
            metrics[f'{name}/threshold'] = scores['threshold'].mean()
            metrics[f'{name}/tar@far={far_key}'] = 100 * scores['tar'].mean()
            metrics[f'{name}/far'] = 100 * scores['far'].mean()
        return metrics

    @staticmethod
    def _pairs(name: str, items: List[tuple]) -> Tuple[np.ndarray, ...]:
        num_pairs = max(item[0] for item in items) + 1
        dim = items[0][3].size
        embeddings = np.full((num_pairs, 2, dim), np.nan, np.float64)
        issame = np.zeros(num_pairs, dtype=bool)
        for pair_index, pair_pos, same, feat in items:
            embeddings[pair_index, pair_pos] = feat
            issame[pair_index] = same
        incomplete = np.flatnonzero(np.isnan(embeddings).any(axis=(1, 2)))
        if incomplete.size:
            raise ValueError(
                f'set {name}: no embedding for {incomplete.size} of '
                f'{num_pairs} pairs (first: pair {incomplete[0]}); evaluate '
                'the whole set')
        norms = np.linalg.norm(embeddings, axis=2, keepdims=True)
        embeddings = embeddings / np.maximum(norms, 1e-12)
        return embeddings[:, 0], embeddings[:, 1], issame
