from collections import defaultdict
from typing import List, Optional, Sequence

import numpy as np
import torch
import torch.nn.functional as F
from mmengine.evaluator import BaseMetric
from mmpretrain.registry import METRICS


@METRICS.register_module()
class FaceIdentificationMetric(BaseMetric):
    """Closed-set identification: rank-k accuracy of probes per group.

    Every probe embedding is compared by cosine similarity with the gallery
    embeddings (``pred_feat``, L2-normalised here); a subject's score is its
    best gallery image. A probe is correct at rank ``k`` if its subject is
    among the ``k`` best-scored subjects. Accuracies (%) are reported per
    value of the ``group_key`` metainfo (the SCface distance ``d1``/``d2``/
    ``d3``) and their mean, as ``<group>/rank-<k>`` and ``mean/rank-<k>``.

    Samples need ``pred_feat``, ``gt_label`` and the metainfo ``role``
    (``'gallery'`` or ``'probe'``) and ``group_key`` (e.g. from
    :class:`SCfaceDataset`).

    Args:
        topk (Sequence[int]): The ranks. Defaults to (1, 5).
        group_key (str): Metainfo key grouping the probes.
            Defaults to ``'distance'``.
        collect_device (str): Defaults to ``'cpu'``.
        prefix (str, optional): Defaults to ``'identification'``.
    """
    default_prefix: Optional[str] = 'identification'

    def __init__(self,
                 topk: Sequence[int] = (1, 5),
                 group_key: str = 'distance',
                 collect_device: str = 'cpu',
                 prefix: Optional[str] = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        self.topk = tuple(int(k) for k in topk)
        if not self.topk or min(self.topk) < 1:
            raise ValueError(f'topk must be positive ranks, got {topk}')
        self.group_key = group_key

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for sample in data_samples:
            for key in ('pred_feat', 'gt_label', 'role'):
                if key not in sample:
                    raise KeyError(
                        f'FaceIdentificationMetric: sample '
                        f"{sample.get('img_path', sample.get('sample_idx'))}"
                        f' has no {key!r} (pack role and {self.group_key} '
                        'with PackInputs meta_keys)')
            self.results.append(
                dict(
                    feat=sample['pred_feat'].detach().float().cpu(),
                    label=int(sample['gt_label'].reshape(-1)[0]),
                    role=sample['role'],
                    group=sample.get(self.group_key)))

    def compute_metrics(self, results: List[dict]) -> dict:
        gallery = [r for r in results if r['role'] == 'gallery']
        probes = [r for r in results if r['role'] == 'probe']
        if not gallery or not probes:
            raise ValueError(f'FaceIdentificationMetric needs gallery and '
                             f'probe samples, got {len(gallery)} gallery and '
                             f'{len(probes)} probes')
        g_feat = F.normalize(torch.stack([r['feat'] for r in gallery]), dim=1)
        p_feat = F.normalize(torch.stack([r['feat'] for r in probes]), dim=1)
        g_label = torch.tensor([r['label'] for r in gallery])
        p_label = torch.tensor([r['label'] for r in probes])
        subjects = torch.unique(g_label)
        missing = set(p_label.tolist()) - set(subjects.tolist())
        if missing:
            raise ValueError(f'FaceIdentificationMetric: probe subjects '
                             f'{sorted(missing)[:5]} have no gallery image')
        sim = p_feat @ g_feat.t()  # (P, G)
        # best gallery image per subject: (P, S)
        column = torch.searchsorted(subjects, g_label)
        scores = torch.full((len(probes), len(subjects)), -float('inf'))
        scores = scores.scatter_reduce(
            1, column.expand(len(probes), -1), sim, reduce='amax')
        true = scores.gather(1, torch.searchsorted(subjects,
                                                   p_label).view(-1, 1))
        # rank of the true subject: 1 + number of strictly better subjects
        rank = (scores > true).sum(1) + 1
        groups = defaultdict(list)
        for i, r in enumerate(probes):
            groups[str(r['group'])].append(i)
        metrics = {}
        for k in self.topk:
            accs = []
            for group in sorted(groups):
                idx = torch.tensor(groups[group])
                acc = float((rank[idx] <= k).float().mean() * 100)
                metrics[f'{group}/rank-{k}'] = acc
                accs.append(acc)
            metrics[f'mean/rank-{k}'] = float(np.mean(accs))
        return metrics
