from typing import Dict, List, Sequence, Tuple

import numpy as np
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS


def roc_curve(labels: np.ndarray,
              scores: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """ROC points as ``sklearn.metrics.roc_curve`` (``drop_intermediate``).

    One point per distinct score (accepting pairs with score >= it, from
    the highest), collinear intermediate points dropped, and ``(0, 0)``
    prepended.

    Args:
        labels (np.ndarray): Binary labels, ``(N, )``.
        scores (np.ndarray): Similarity scores, ``(N, )``.

    Returns:
        tuple[np.ndarray, np.ndarray]: FPR and TPR, increasing.
    """
    labels = np.asarray(labels).astype(bool)
    order = np.argsort(scores, kind='mergesort')[::-1]
    sorted_scores = np.asarray(scores)[order]
    ends = np.r_[np.flatnonzero(np.diff(sorted_scores)), labels.size - 1]
    tps = np.cumsum(labels[order])[ends]
    fps = ends + 1 - tps
    if len(fps) > 2:
        keep = np.r_[True,
                     np.logical_or(np.diff(fps, 2), np.diff(tps, 2)), True]
        tps, fps = tps[keep], fps[keep]
    tps, fps = np.r_[0, tps], np.r_[0, fps]
    if fps[-1] == 0 or tps[-1] == 0:
        raise ValueError('the ROC needs both positive and negative pairs')
    return fps / fps[-1], tps / tps[-1]


def tar_at_far(fpr: np.ndarray, tpr: np.ndarray, far: float) -> float:
    """TAR of the ROC point whose FAR is closest to ``far``.

    As insightface's ``eval_ijbc.py``: among equally close points the one
    with the highest TPR (it searches the reversed curve).
    """
    index = len(fpr) - 1 - np.argmin(np.abs(fpr[::-1] - far))
    return float(tpr[index])


@METRICS.register_module()
class IJBTemplateMetric(BaseMetric):
    """IJB-B / IJB-C 1:1 template verification (TAR at FAR 1e-6 ... 1e-1).

    Follows insightface's ``eval_ijbc.py`` with its default "F2 N1 D1":
    image features are flip-summed (set ``test_cfg=dict(flip=True,
    normalize=False)`` in :class:`FaceRecognizer`), keep their norm, and are
    multiplied by the detector ``faceness_score``; a template feature is the
    sum over its media of the mean feature of each media, L2-normalised; a
    pair's score is the cosine of its two templates. The TAR at each FAR is
    read from the ROC (see :func:`roc_curve`, :func:`tar_at_far`).

    Each data sample needs ``template_id``, ``media_id``, ``faceness_score``
    (from :class:`IJBDataset`) and ``pred_feat``.

    Args:
        pair_file (str): ``<name>_template_pair_label.txt`` (lines
            ``template1 template2 label``).
        far_targets (Sequence[float]): FARs to report. Defaults to
            ``(1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1)``.
        use_detector_score (bool): Multiply features by the faceness score
            (D1). Defaults to True.
        batch_size (int): Pairs scored at once. Defaults to 100000.
        collect_device (str): ``'cpu'`` or ``'gpu'``. Defaults to ``'cpu'``.
        prefix (str, optional): Prefix of the keys (``'<prefix>/tar@far=
            1e-4'``, in %). Defaults to ``'ijb'``.
    """

    default_prefix = 'ijb'

    def __init__(self,
                 pair_file: str,
                 far_targets: Sequence[float] = (1e-6, 1e-5, 1e-4, 1e-3, 1e-2,
                                                 1e-1),
                 use_detector_score: bool = True,
                 batch_size: int = 100000,
                 collect_device: str = 'cpu',
                 prefix: str = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.pair_file = pair_file
        self.far_targets = tuple(far_targets)
        self.use_detector_score = use_detector_score
        self.batch_size = batch_size

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        """Keep the template, media, score and feature of every image."""
        for sample in data_samples:
            self.results.append(
                (int(sample['template_id']), int(sample['media_id']),
                 float(sample['faceness_score']),
                 sample['pred_feat'].detach().cpu().float().numpy()))

    def read_pairs(self) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The template pairs and their labels."""
        try:
            pairs = np.loadtxt(self.pair_file, dtype=np.int64, ndmin=2)
        except (OSError, ValueError) as err:
            raise ValueError(f'{self.pair_file}: cannot read template pairs '
                             f'"t1 t2 label": {err}') from err
        if pairs.shape[1] != 3:
            raise ValueError(f'{self.pair_file}: expected 3 columns '
                             f'"t1 t2 label", got {pairs.shape[1]}')
        return pairs[:, 0], pairs[:, 1], pairs[:, 2]

    def template_features(
            self, templates: np.ndarray, medias: np.ndarray,
            features: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
        """Template features: sum over media of the media means, normalised.

        Args:
            templates (np.ndarray): Template id of every image, ``(N, )``.
            medias (np.ndarray): Media id of every image, ``(N, )``.
            features (np.ndarray): Image features, ``(N, D)``.

        Returns:
            tuple[np.ndarray, np.ndarray]: The sorted template ids ``(T, )``
            and their features ``(T, D)``.
        """
        groups, group_index = np.unique(
            np.stack([templates, medias], 1), axis=0, return_inverse=True)
        group_index = group_index.ravel()
        media_sum = np.zeros((len(groups), features.shape[1]))
        np.add.at(media_sum, group_index, features)
        media_mean = media_sum / np.bincount(group_index)[:, None]
        template_ids, template_index = np.unique(
            groups[:, 0], return_inverse=True)
        template_feats = np.zeros((len(template_ids), features.shape[1]))
        np.add.at(template_feats, template_index.ravel(), media_mean)
        norms = np.linalg.norm(template_feats, axis=1, keepdims=True)
        return template_ids, template_feats / np.maximum(norms, 1e-12)

    def compute_metrics(self, results: List[tuple]) -> Dict[str, float]:
        """TAR at every target FAR."""
        templates = np.array([r[0] for r in results], np.int64)
        medias = np.array([r[1] for r in results], np.int64)
        features = np.stack([r[3] for r in results]).astype(np.float64)
        if self.use_detector_score:
            features *= np.array([r[2] for r in results])[:, None]
        template_ids, template_feats = self.template_features(
            templates, medias, features)

        t1, t2, labels = self.read_pairs()
        index1 = np.searchsorted(template_ids, t1)
        index2 = np.searchsorted(template_ids, t2)
        for ids, index in ((t1, index1), (t2, index2)):
            index = np.minimum(index, len(template_ids) - 1)
            unknown = ids[template_ids[index] != ids]
            if unknown.size:
                raise ValueError(
                    f'{self.pair_file}: template {unknown[0]} has no image '
                    f'in the evaluated set ({unknown.size} pair entries)')
        scores = np.empty(len(labels))
        for start in range(0, len(labels), self.batch_size):
            stop = start + self.batch_size
            scores[start:stop] = np.einsum('ij,ij->i',
                                           template_feats[index1[start:stop]],
                                           template_feats[index2[start:stop]])
        fpr, tpr = roc_curve(labels, scores)
        metrics = {}
        for far in self.far_targets:
            key = 'tar@far=' + f'{far:.0e}'.replace('e-0', 'e-')
            metrics[key] = 100 * tar_at_far(fpr, tpr, far)
        return metrics
