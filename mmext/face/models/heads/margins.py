r"""Margin components shared by the unsharded and the sharded face heads.

The formulas live here once: :class:`~mmext.face.models.CurricularFaceHead`
(unsharded, all class centres on every rank) and
:class:`~mmext.face.models.PartialFCHead` (class centres sharded over the
ranks) both call :func:`additive_angular_margin`,
:func:`curriculum_modulation` and :func:`update_curriculum_t`.

A margin component turns the cosines of one rank's (sampled) class centres
into unscaled logits. It is called with

- ``cosine``: ``(N, K)`` cosines of the ``N`` embeddings with the ``K``
  class centres this rank holds (all of them when unsharded);
- ``local_target``: ``(N,)`` column of each sample's target in ``cosine``,
  or ``-1`` when the target lives on another rank's shard;
- ``reduce_sum``: sums a tensor over the ranks that share the batch
  (identity when the classes are not sharded).

Every sample's target sits in exactly one shard, so a per-sample statistic
that is zero on the other shards and summed with ``reduce_sum`` is the same
as the unsharded one.
"""
import math
from typing import Callable, Tuple

import torch
import torch.nn as nn
from mmengine.dist import all_reduce, is_distributed
from mmpretrain.registry import MODELS

ReduceFn = Callable[[torch.Tensor], torch.Tensor]


def additive_angular_margin(
        target_cos: torch.Tensor, margin, threshold,
        sinm_m) -> Tuple[torch.Tensor, torch.Tensor]:
    r"""ArcFace's margined positive, with insightface's fallback.

    Args:
        target_cos (torch.Tensor): Positive cosines :math:`\cos\theta_y`.
        margin (float | torch.Tensor): :math:`m` (broadcast).
        threshold (float | torch.Tensor): :math:`\cos(\pi - m)`.
        sinm_m (float | torch.Tensor): :math:`m \sin(\pi - m)`.

    Returns:
        tuple[torch.Tensor, torch.Tensor]: The positive logit
        (:math:`\cos(\theta_y + m)` above the threshold, else
        :math:`\cos\theta_y - m\sin(\pi - m)`) and :math:`\cos(\theta_y + m)`
        itself (before the fallback).
    """
    cos_theta_m = torch.cos(torch.acos(target_cos) + margin)
    positive = torch.where(target_cos > threshold, cos_theta_m,
                           target_cos - sinm_m)
    return positive, cos_theta_m


def curriculum_modulation(cosine: torch.Tensor, cos_theta_m: torch.Tensor,
                          t: torch.Tensor) -> torch.Tensor:
    r"""CurricularFace's :math:`N(t, \cos\theta_j)` for every column.

    A column is hard when :math:`\cos\theta_j > \cos(\theta_y + m)` (the
    reference is detached); hard ones become
    :math:`\cos\theta_j (t + \cos\theta_j)`.
    """
    hard = cosine > cos_theta_m.detach()
    t = t.to(cosine.dtype)
    return torch.where(hard, cosine * (t + cosine), cosine)


@torch.no_grad()
def update_curriculum_t(t: torch.Tensor, target_cos: torch.Tensor,
                        momentum: float) -> None:
    r"""In-place EMA update of ``t`` with the global batch mean positive.

    The sum and count of ``target_cos`` are all-reduced when distributed, so
    each rank may pass the positives it holds (its own samples when
    unsharded, the samples whose target is in its shard when sharded).
    :math:`t \leftarrow \mu t + (1 - \mu) r`.
    """
    stats = torch.stack([
        target_cos.sum(),
        target_cos.new_tensor(float(target_cos.numel()))
    ]).to(t)
    if is_distributed():
        all_reduce(stats, op='sum')
    batch_mean = stats[0] / stats[1]
    t.mul_(momentum).add_((1. - momentum) * batch_mean)


def _identity(x: torch.Tensor) -> torch.Tensor:
    return x


class BaseMargin(nn.Module):
    """A margin component: cosines of held centres to unscaled logits."""

    def positive(self, target_cos: torch.Tensor) -> torch.Tensor:
        """The margined positive of the samples whose target is held."""
        raise NotImplementedError

    def forward(self,
                cosine: torch.Tensor,
                local_target: torch.Tensor,
                reduce_sum: ReduceFn = _identity) -> torch.Tensor:
        """Unscaled logits ``(N, K)`` (see the module docstring)."""
        rows = (local_target >= 0).nonzero(as_tuple=True)[0]
        cols = local_target[rows]
        target_cos = cosine[rows, cols]
        return cosine.index_put((rows, cols), self.positive(target_cos))


@MODELS.register_module()
class ArcFaceMargin(BaseMargin):
    r"""ArcFace: :math:`\cos(\theta_y + m)` with the non-easy fallback.

    Args:
        margin (float): :math:`m`. Defaults to 0.5.
    """

    def __init__(self, margin: float = 0.5):
        super().__init__()
        self.margin = margin
        self.threshold = math.cos(math.pi - margin)
        self.sinm_m = math.sin(math.pi - margin) * margin

    def positive(self, target_cos):
        return additive_angular_margin(target_cos, self.margin,
                                       self.threshold, self.sinm_m)[0]


@MODELS.register_module()
class CosFaceMargin(BaseMargin):
    r"""CosFace: :math:`\cos\theta_y - m`.

    Args:
        margin (float): :math:`m`. Defaults to 0.4.
    """

    def __init__(self, margin: float = 0.4):
        super().__init__()
        self.margin = margin

    def positive(self, target_cos):
        return target_cos - self.margin


@MODELS.register_module()
class CurricularFaceMargin(ArcFaceMargin):
    r"""CurricularFace: ArcFace's positive plus the adaptive curriculum.

    The same formulas as :class:`~mmext.face.models.CurricularFaceHead`.
    When sharded, :math:`\cos(\theta_y + m)` of each sample (the reference
    of its hard mask) is computed on the rank whose shard holds the target
    and summed over the ranks (zero elsewhere), and the batch statistic of
    :math:`t` comes from the holders and is all-reduced, so :math:`t` and
    the logits equal the unsharded head's on the concatenated batch.

    Args:
        margin (float): :math:`m`. Defaults to 0.5.
        momentum (float): Weight :math:`\mu` of the history in the EMA of
            :math:`t`. Defaults to 0.99.
    """

    def __init__(self, margin: float = 0.5, momentum: float = 0.99):
        super().__init__(margin)
        if not 0. <= momentum <= 1.:
            raise ValueError(f'momentum must be in [0, 1], got {momentum}')
        self.momentum = momentum
        self.register_buffer('t', torch.zeros(1))

    def forward(self, cosine, local_target, reduce_sum=_identity):
        rows = (local_target >= 0).nonzero(as_tuple=True)[0]
        cols = local_target[rows]
        target_cos = cosine[rows, cols]
        positive, cos_theta_m = additive_angular_margin(
            target_cos, self.margin, self.threshold, self.sinm_m)
        if self.training:
            update_curriculum_t(self.t, target_cos, self.momentum)
        reference = cosine.new_zeros(cosine.shape[0])
        reference[rows] = cos_theta_m.detach()
        reference = reduce_sum(reference)
        logits = curriculum_modulation(cosine, reference[:, None], self.t)
        return logits.index_put((rows, cols), positive)
