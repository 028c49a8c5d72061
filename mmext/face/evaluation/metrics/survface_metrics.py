"""QMUL-SurvFace metrics: 1:1 TAR@FAR and AUC, open-set 1:N TPIR@FPIR.

Both set their operating thresholds the same way (:func:`thresholds_at`):
a comparison is accepted when its score is strictly above the threshold,
and the threshold for a target rate ``r`` over ``N`` impostor scores (the
negative pairs, or the unmated probes' best gallery scores) is the
smallest one accepting at most ``floor(r * N)`` of them: the
``(floor(r * N) + 1)``-th largest impostor score. Every score tied with
the threshold is rejected, so with ties the rate reached may be below the
target, never above it.
"""
from typing import Dict, List, Optional, Sequence, Tuple

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS

from .ijb_metric import roc_curve


def thresholds_at(impostor_scores: np.ndarray,
                  rates: Sequence[float]) -> np.ndarray:
    """Smallest thresholds accepting at most a rate of the impostors.

    A score is accepted when strictly above the threshold. For the rate
    ``r`` the threshold is the ``(m + 1)``-th largest impostor score with
    ``m = floor(r * N)`` (``r * N`` rounded to 6 decimals first, so that
    e.g. ``0.1 * 30`` counts as 3): at most ``m`` impostors are above it
    (fewer when others tie with it), and any lower threshold accepts at
    least ``m + 1``.

    Args:
        impostor_scores (np.ndarray): The scores of the impostor
            comparisons, ``(N, )``.
        rates (Sequence[float]): Target false accept rates in ``[0, 1)``.

    Returns:
        np.ndarray: One threshold per rate, ``(len(rates), )``.
    """
    descending = np.sort(np.asarray(impostor_scores, np.float64))[::-1]
    counts = np.floor(np.round(np.asarray(rates) * descending.size, 6))
    return descending[counts.astype(np.int64)]


def fraction_above(scores: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Fraction of ``scores`` strictly above each threshold.

    Args:
        scores (np.ndarray): ``(N, )``.
        thresholds (np.ndarray): ``(T, )``.

    Returns:
        np.ndarray: ``(T, )``.
    """
    ordered = np.sort(scores)
    above = ordered.size - np.searchsorted(ordered, thresholds, side='right')
    return above / ordered.size


def _check_rates(rates: Sequence[float], name: str) -> Tuple[float, ...]:
    rates = tuple(float(r) for r in rates)
    if not rates or not all(0 <= r < 1 for r in rates):
        raise ValueError(f'{name} must be rates in [0, 1), got {rates}')
    return rates


@METRICS.register_module()
class SurvFaceVerificationMetric(BaseMetric):
    """QMUL-SurvFace 1:1 verification: TAR at FAR 0.3 ... 0.001 and AUC.

    Works with :class:`SurvFaceVerificationDataset` (or any set laid out as
    :class:`VerificationBinDataset`): each image sample carries
    ``pair_index``, ``pair_pos``, ``issame`` and the embedding
    ``pred_feat``. Embeddings are L2-normalised here; a pair's score is the
    cosine similarity of its two embeddings.

    - TAR@FAR: the threshold of :func:`thresholds_at` on the negative
      pairs' scores (accept when strictly above it: the smallest threshold
      whose FAR is at most the target, ties with it rejected), and the TAR
      the fraction of positive pairs above it.
    - AUC: trapezoid area under the full ROC, one point per distinct score
      (accepting the pairs at or above it) from ``(0, 0)`` to ``(1, 1)``
      (:func:`roc_curve`, whose dropped collinear points leave the area
      unchanged); it equals the probability that a positive pair
      outscores a negative one, ties counting one half.

    Reported in %, e.g. ``survface/TAR@FAR=0.1`` and ``survface/AUC``.

    Args:
        far_targets (Sequence[float]): The FARs, in ``[0, 1)``.
            Defaults to ``(0.3, 0.1, 0.01, 0.001)``.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the keys. Defaults to
            ``'survface'``.
    """

    default_prefix = 'survface'

    def __init__(self,
                 far_targets: Sequence[float] = (0.3, 0.1, 0.01, 0.001),
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.far_targets = _check_rates(far_targets, 'far_targets')

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep the embedding and the pair information of every image."""
        for sample in data_samples:
            missing = [
                key
                for key in ('pair_index', 'pair_pos', 'issame', 'pred_feat')
                if key not in sample
            ]
            if missing:
                raise KeyError(
                    f'data sample {sample.get("img_path")} lacks {missing}: '
                    'use SurvFaceVerificationDataset, PackInputs(meta_keys='
                    "('pair_index', 'pair_pos', 'issame')) and a model "
                    'predicting pred_feat')
            self.results.append(
                (int(sample['pair_index']), int(sample['pair_pos']),
                 bool(sample['issame']),
                 sample['pred_feat'].detach().cpu().float().numpy()))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """TAR at every FAR target and the AUC."""
        scores, issame = self.pair_scores(results)
        positive, negative = scores[issame], scores[~issame]
        if not positive.size or not negative.size:
            raise ValueError(f'SurvFaceVerificationMetric needs positive and '
                             f'negative pairs, got {positive.size} and '
                             f'{negative.size}')
        thresholds = thresholds_at(negative, self.far_targets)
        tar = fraction_above(positive, thresholds)
        fpr, tpr = roc_curve(issame, scores)
        auc = np.sum(np.diff(fpr) * (tpr[1:] + tpr[:-1]) / 2)
        metrics = {
            f'TAR@FAR={far:g}': 100 * float(value)
            for far, value in zip(self.far_targets, tar)
        }
        metrics['AUC'] = 100 * float(auc)
        return metrics

    @staticmethod
    def pair_scores(results: List[tuple]) -> Tuple[np.ndarray, np.ndarray]:
        """Cosine similarity and label of every pair.

        Args:
            results (list[tuple]): ``(pair_index, pair_pos, issame, feat)``
                per image.

        Returns:
            tuple[np.ndarray, np.ndarray]: Scores ``(P, )`` and labels
            ``(P, )`` of pairs ``0 .. P - 1``.

        Raises:
            ValueError: If a pair does not have exactly one embedding per
                position or its two images disagree on ``issame``.
        """
        pair_index = np.array([r[0] for r in results])
        pair_pos = np.array([r[1] for r in results])
        labels = np.array([r[2] for r in results])
        feats = np.stack([r[3] for r in results]).astype(np.float64)
        if not np.isin(pair_pos, (0, 1)).all():
            raise ValueError('pair_pos must be 0 or 1')
        num_pairs = int(pair_index.max()) + 1
        slot = 2 * pair_index + pair_pos
        counts = np.bincount(slot, minlength=2 * num_pairs)
        bad = np.flatnonzero(counts != 1)
        if bad.size:
            raise ValueError(
                f'{bad.size} of the {2 * num_pairs} pair images have no or '
                f'several embeddings (first: pair {bad[0] // 2} position '
                f'{bad[0] % 2}); evaluate every image of the set once')
        issame = np.zeros(num_pairs, dtype=bool)
        issame[pair_index] = labels
        conflict = np.flatnonzero(issame[pair_index] != labels)
        if conflict.size:
            raise ValueError(f'the images of pair {pair_index[conflict[0]]} '
                             'disagree on issame')
        embeddings = np.empty((2 * num_pairs, feats.shape[1]))
        embeddings[slot] = feats
        embeddings /= np.maximum(
            np.linalg.norm(embeddings, axis=1, keepdims=True), 1e-12)
        embeddings = embeddings.reshape(num_pairs, 2, -1)
        return np.sum(embeddings[:, 0] * embeddings[:, 1], axis=1), issame


@METRICS.register_module()
class SurvFaceIdentificationMetric(BaseMetric):
    """QMUL-SurvFace open-set 1:N identification: TPIR at FPIR.

    Works with :class:`SurvFaceIdentificationDataset`: every sample carries
    ``pred_feat`` and the metainfo ``role`` (``'gallery'``,
    ``'mated_probe'`` or ``'unmated_probe'``) and ``subject`` (the identity
    label; ignored for unmated probes). The conventions:

    - Features are L2-normalised. The template of a gallery identity is the
      mean of its normalised gallery features, L2-normalised again; a
      probe's score for an identity is its cosine with that template (the
      max over the identity's templates, of which there is one).
    - An unmated probe is a false alarm at threshold ``t`` when its best
      identity score is strictly above ``t``. For each FPIR target ``t`` is
      :func:`thresholds_at` on the unmated probes' best scores: the
      smallest threshold with at most ``floor(FPIR * U)`` of the ``U``
      unmated probes above it.
    - A mated probe is a true positive identification at ``t`` when its
      own identity is ranked within ``rank`` (its rank is 1 + the number of
      identities scored strictly higher, so a tie for the top counts as
      rank 1) and its own score is strictly above ``t``. With ``rank=1``:
      its top-1 identity is its own and that score passes the threshold.
    - TPIR is the fraction of mated probes that are true positives.

    Reported in %, as ``survface/TPIR<rank>@FPIR=<fpir>``, e.g.
    ``survface/TPIR1@FPIR=0.1``. The SurvFace paper's tables report rank 20
    (``TPIR20@FPIR``); set ``rank=20`` to compare with them.

    Args:
        fpir_targets (Sequence[float]): The FPIRs, in ``[0, 1)``.
            Defaults to ``(0.3, 0.2, 0.1)``.
        rank (int): The rank a mated probe's identity must reach.
            Defaults to 1.
        batch_size (int): Probes scored against the templates at once.
            Defaults to 4096.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the keys. Defaults to
            ``'survface'``.
    """

    default_prefix = 'survface'
    ROLES = ('gallery', 'mated_probe', 'unmated_probe')

    def __init__(self,
                 fpir_targets: Sequence[float] = (0.3, 0.2, 0.1),
                 rank: int = 1,
                 batch_size: int = 4096,
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.fpir_targets = _check_rates(fpir_targets, 'fpir_targets')
        if rank < 1 or batch_size < 1:
            raise ValueError(f'rank and batch_size must be positive, got '
                             f'{rank} and {batch_size}')
        self.rank = int(rank)
        self.batch_size = int(batch_size)

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep the embedding, role and subject of every image."""
        for sample in data_samples:
            missing = [
                key for key in ('pred_feat', 'role', 'subject')
                if key not in sample
            ]
            if missing:
                raise KeyError(
                    f'data sample {sample.get("img_path")} lacks {missing}: '
                    'use SurvFaceIdentificationDataset and PackInputs('
                    "meta_keys=('role', 'subject'))")
            if sample['role'] not in self.ROLES:
                raise ValueError(f'data sample {sample.get("img_path")} has '
                                 f'role {sample["role"]!r}, not one of '
                                 f'{self.ROLES}')
            self.results.append(
                (self.ROLES.index(sample['role']), int(sample['subject']),
                 sample['pred_feat'].detach().cpu().float()))

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """TPIR at every FPIR target."""
        role = torch.tensor([r[0] for r in results])
        subject = torch.tensor([r[1] for r in results])
        feats = F.normalize(torch.stack([r[2] for r in results]), dim=1)
        counts = torch.bincount(role, minlength=len(self.ROLES)).tolist()
        if min(counts) == 0:
            raise ValueError(
                'SurvFaceIdentificationMetric needs gallery, mated and '
                f'unmated probe samples, got {counts[0]}, {counts[1]} and '
                f'{counts[2]}')
        gallery, mated, unmated = (role == i for i in range(len(self.ROLES)))
        identities, column = torch.unique(
            subject[gallery], return_inverse=True)
        templates = torch.zeros(len(identities), feats.shape[1])
        templates.index_add_(0, column, feats[gallery])
        templates = F.normalize(
            templates / torch.bincount(column).unsqueeze(1), dim=1)

        mated_subject = subject[mated]
        own = torch.searchsorted(identities,
                                 mated_subject).clamp(max=len(identities) - 1)
        unenrolled = identities[own] != mated_subject
        if unenrolled.any():
            raise ValueError(
                'SurvFaceIdentificationMetric: mated probe identities '
                f'{mated_subject[unenrolled].unique()[:5].tolist()} have no '
                'gallery image')
        own_score, own_rank = self.own_scores(feats[mated], templates, own)
        unmated_best = torch.cat([
            (chunk @ templates.t()).amax(1)
            for chunk in feats[unmated].split(self.batch_size)
        ])
        thresholds = thresholds_at(unmated_best.double().numpy(),
                                   self.fpir_targets)
        hit = (own_rank <= self.rank).double().numpy()
        tpir = np.mean(
            hit * (own_score.double().numpy() > thresholds[:, None]), axis=1)
        return {
            f'TPIR{self.rank}@FPIR={fpir:g}': 100 * float(value)
            for fpir, value in zip(self.fpir_targets, tpir)
        }

    def own_scores(self, probes: torch.Tensor, templates: torch.Tensor,
                   own: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Score and rank of each mated probe's own identity.

        Args:
            probes (torch.Tensor): Normalised probe features, ``(P, D)``.
            templates (torch.Tensor): Identity templates, ``(K, D)``.
            own (torch.Tensor): Each probe's identity column, ``(P, )``.

        Returns:
            tuple[torch.Tensor, torch.Tensor]: The own scores ``(P, )`` and
            ranks ``(P, )`` (1 + identities scored strictly higher).
        """
        scores, ranks = [], []
        for chunk, column in zip(
                probes.split(self.batch_size), own.split(self.batch_size)):
            sim = chunk @ templates.t()
            score = sim.gather(1, column.unsqueeze(1))
            scores.append(score.squeeze(1))
            ranks.append((sim > score).sum(1) + 1)
        return torch.cat(scores), torch.cat(ranks)
