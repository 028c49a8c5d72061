from typing import Dict, List, Sequence, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F
from mmpretrain.registry import MODELS


def _fp32(x: torch.Tensor) -> torch.Tensor:
    """At least float32 (half precision is promoted, float64 kept)."""
    return x.float() if x.dtype in (torch.float16, torch.bfloat16) else x


@MODELS.register_module()
class DDLLoss(nn.Module):
    r"""Distribution Distillation Loss (DDL).

    A PyTorch implementation of paper `Improving Face Recognition from Hard
    Samples via Distribution Distillation Loss
    <https://arxiv.org/abs/2002.03662>`_ (ECCV 2020), following the official
    ``torchkit/loss/ddl.py`` of Tencent/TFace.

    The similarity distributions of an *easy* branch (the **teacher**,
    index 0) and of *hard* branches (the **students**) are estimated with
    soft histograms, and the students are pulled toward the teacher:

    .. math::

        \mathcal{L}_{DDL} = \lambda_1 \sum_{i \ge 1}
            KL(P^+_0 \,\|\, P^+_i) + \lambda_2 \sum_{i \ge 1}
            KL(P^-_0 \,\|\, P^-_i) + \lambda_3 \sum_{(p, q)}
            (E[S^-_p] - E[S^+_q])

    - **Positive similarities** :math:`S^+_i`: the cosine of the two
      L2-normalised features of each positive pair of branch ``i``; only
      values ``> positive_threshold`` are kept. (The official constructor
      stores ``positive_threshold`` but the forward uses its own default of
      0.0; here the argument is honoured, and its default is 0.0.)
    - **Negative similarities** :math:`S^-_i`: of the similarity matrix
      :math:`S = \hat{F}\hat{F}^\top` of branch ``i`` (one image per
      identity), the strict upper triangle is kept, the rest zeroed, and the
      *row maximum* taken: each sample's hardest negative among the later
      samples. As in the official code the zeroed entries take part in the
      maximum, so every value is :math:`\ge 0` and the last row gives 0.
    - **Soft histogram** :math:`P`: ``num_bins`` Gaussian kernels of width
      :math:`\sigma` = ``sigma`` centred at :math:`t_b = b \cdot` ``bin_width``
      (the official 1000 bins on [0, 0.999]):
      :math:`h_b = \sum_k \exp(-\frac{1}{2}((s_k - t_b)/\sigma)^2)`,
      normalised to sum to 1.
    - **KL** :math:`KL(P \| Q) = \sum_b (P_b + \epsilon)(\log(P_b + \epsilon)
      - \log(Q_b + \epsilon))` with :math:`\epsilon = 10^{-9}` added to both,
      as ``F.kl_div(log(Q + eps), P + eps, reduction='batchmean')`` with a
      batch of one histogram.
    - **Order loss**: the difference of the means over *every* (negative
      set, positive set) pair of all branches (4 terms for 2 branches).

    The teacher is not detached by default (the official behaviour: the
    KL gradients flow into the easy branch too, which shares the backbone);
    ``detach_teacher=True`` stops them (the paper does not say). The three
    terms are returned separately, weighted, so that they are logged
    separately; their sum is :math:`\mathcal{L}_{DDL}`. Everything is
    computed in at least float32 (half inputs are promoted).

    If no positive similarity of a branch survives the threshold, its
    histogram is undefined (the official code gives NaN); here the terms
    that need it are skipped (contribute 0).

    Args:
        pos_kl_weight (float): :math:`\lambda_1`. Defaults to 0.1.
        neg_kl_weight (float): :math:`\lambda_2`. Defaults to 0.02.
        order_loss_weight (float): :math:`\lambda_3`. Defaults to 0.5.
        positive_threshold (float): Positive similarities at or below it are
            dropped. Defaults to 0.0.
        num_bins (int): Number of histogram bins. Defaults to 1000.
        bin_width (float): Distance of the bin centres, which start at 0.
            Defaults to 0.001.
        sigma (float): Width of the Gaussian kernel. Defaults to 0.1.
        eps (float): Added to both histograms in the KL. Defaults to 1e-9.
        detach_teacher (bool): Stop the gradient of the teacher histograms
            in the KL terms. Defaults to False (TFace).
        loss_name (str): Prefix of the returned keys. Defaults to
            ``'loss_ddl'``.

    Shapes:
        - neg_features: a sequence of ``(N_i, D)``, one per branch.
        - pos_first, pos_second: sequences of ``(M_i, D)``, one per branch,
          row ``k`` of both the two images of pair ``k``.
        - output: a dict of three scalars, ``<loss_name>_pos_kl``,
          ``<loss_name>_neg_kl`` and ``<loss_name>_order``.
    """

    def __init__(self,
                 pos_kl_weight: float = 0.1,
                 neg_kl_weight: float = 0.02,
                 order_loss_weight: float = 0.5,
                 positive_threshold: float = 0.0,
                 num_bins: int = 1000,
                 bin_width: float = 0.001,
                 sigma: float = 0.1,
                 eps: float = 1e-9,
                 detach_teacher: bool = False,
                 loss_name: str = 'loss_ddl'):
        super().__init__()
        if num_bins < 1 or bin_width <= 0 or sigma <= 0:
            raise ValueError('num_bins, bin_width and sigma must be '
                             f'positive, got {num_bins}, {bin_width}, '
                             f'{sigma}')
        self.pos_kl_weight = pos_kl_weight
        self.neg_kl_weight = neg_kl_weight
        self.order_loss_weight = order_loss_weight
        self.positive_threshold = positive_threshold
        self.sigma = sigma
        self.eps = eps
        self.detach_teacher = detach_teacher
        self.loss_name = loss_name
        self.register_buffer(
            'bin_centers',
            torch.arange(num_bins, dtype=torch.float64) * bin_width,
            persistent=False)

    def histogram(self, similarities: torch.Tensor) -> torch.Tensor:
        """Soft histogram of a set of similarities.

        Args:
            similarities (torch.Tensor): ``(K, )``.

        Returns:
            torch.Tensor: ``(num_bins, )``, summing to 1.
        """
        centers = self.bin_centers.to(similarities.dtype)
        diff = (similarities.view(-1, 1) - centers.view(1, -1)) / self.sigma
        hist = torch.exp(-0.5 * diff.pow(2)).sum(0)
        return hist / hist.sum()

    def kl(self, teacher: torch.Tensor, student: torch.Tensor) -> torch.Tensor:
        """KL(teacher || student) of two histograms, with ``eps``.

        Args:
            teacher (torch.Tensor): ``(num_bins, )``.
            student (torch.Tensor): ``(num_bins, )``.

        Returns:
            torch.Tensor: A scalar.
        """
        target = teacher + self.eps
        return (target * (target.log() - (student + self.eps).log())).sum()

    def positive_similarities(self, first: torch.Tensor,
                              second: torch.Tensor) -> torch.Tensor:
        """Cosines of the pairs, those ``> positive_threshold`` only.

        Args:
            first (torch.Tensor): ``(M, D)``.
            second (torch.Tensor): ``(M, D)``.

        Returns:
            torch.Tensor: ``(M', )`` with ``M' <= M``.
        """
        if first.shape != second.shape:
            raise ValueError('the two images of the positive pairs give '
                             f'features of shapes {tuple(first.shape)} and '
                             f'{tuple(second.shape)}')
        cos = (F.normalize(_fp32(first), dim=1) *
               F.normalize(_fp32(second), dim=1)).sum(1)
        return cos[cos > self.positive_threshold]

    @staticmethod
    def negative_similarities(features: torch.Tensor) -> torch.Tensor:
        """Row maxima of the strict upper triangle of the similarities.

        Args:
            features (torch.Tensor): One image per identity, ``(N, D)``.

        Returns:
            torch.Tensor: ``(N, )``, every value ``>= 0``, the last 0.
        """
        feats = F.normalize(_fp32(features), dim=1)
        sim = torch.triu(feats @ feats.t(), diagonal=1)
        return sim.max(dim=1)[0]

    def forward(self, neg_features: Sequence[torch.Tensor],
                pos_first: Sequence[torch.Tensor],
                pos_second: Sequence[torch.Tensor]) -> Dict[str, torch.Tensor]:
        """Compute the three weighted terms of DDL.

        Args:
            neg_features (Sequence[torch.Tensor]): Per branch, the features
                of an ID-balanced batch, ``(N_i, D)``; index 0 the teacher.
            pos_first (Sequence[torch.Tensor]): Per branch, the first image
                of each positive pair, ``(M_i, D)``.
            pos_second (Sequence[torch.Tensor]): Per branch, the second
                image of each positive pair, ``(M_i, D)``.

        Returns:
            Dict[str, torch.Tensor]: ``<loss_name>_pos_kl``,
            ``<loss_name>_neg_kl`` and ``<loss_name>_order``.
        """
        if not len(pos_first) == len(pos_second) == len(neg_features):
            raise ValueError(
                'DDLLoss needs as many negative-feature branches as positive'
                f'-pair branches: got {len(neg_features)} negative, '
                f'{len(pos_first)} first and {len(pos_second)} second')
        if len(neg_features) < 2:
            raise ValueError('DDLLoss needs a teacher and at least one '
                             f'student branch, got {len(neg_features)}')
        with torch.autocast(device_type=neg_features[0].device.type,
                            enabled=False):
            neg_sims = [self.negative_similarities(f) for f in neg_features]
            pos_sims = [
                self.positive_similarities(a, b)
                for a, b in zip(pos_first, pos_second)
            ]
            pos_kl = self._kl_sum(pos_sims)
            neg_kl = self._kl_sum(neg_sims)
            order = sum(neg.mean() - pos.mean() for neg in neg_sims
                        for pos in pos_sims if pos.numel() > 0)
            zero = neg_sims[0].sum() * 0
        name = self.loss_name
        return {
            f'{name}_pos_kl': self.pos_kl_weight * (pos_kl + zero),
            f'{name}_neg_kl': self.neg_kl_weight * (neg_kl + zero),
            f'{name}_order': self.order_loss_weight * (order + zero),
        }

    def _kl_sum(self, sims: List[torch.Tensor]) -> torch.Tensor:
        """Sum over the students of KL(teacher || student)."""
        if sims[0].numel() == 0:
            return 0.
        teacher = self.histogram(sims[0])
        if self.detach_teacher:
            teacher = teacher.detach()
        total = 0.
        for sim in sims[1:]:
            if sim.numel() > 0:
                total = total + self.kl(teacher, self.histogram(sim))
        return total

    def distributions(
        self, neg_features: Sequence[torch.Tensor],
        pos_first: Sequence[torch.Tensor], pos_second: Sequence[torch.Tensor]
    ) -> Tuple[List[torch.Tensor], List[torch.Tensor]]:
        """The negative and positive similarity sets (for analysis).

        Returns:
            tuple: Lists of the negative and positive similarities, one
            ``(K_i, )`` tensor per branch.
        """
        return ([self.negative_similarities(f) for f in neg_features], [
            self.positive_similarities(a, b)
            for a, b in zip(pos_first, pos_second)
        ])
