r"""Partial FC: a margin head whose class centres are sharded over the ranks.

Implements the idea of An et al., `Partial FC: Training 10 Million
Identities on a Single Machine <https://arxiv.org/abs/2010.05222>`_ (ICCVW
2021) on mmengine's ordinary distributed runner.
"""
import math
from typing import List, Optional, Sequence, Tuple, Union

import torch
import torch.distributed as torch_dist
import torch.nn as nn
import torch.nn.functional as F
from mmengine.dist import get_dist_info
from mmengine.model import BaseModule
from mmengine.model.wrappers import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS
from mmengine.runner import autocast
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


def shard_range(num_classes: int, world_size: int,
                rank: int) -> Tuple[int, int]:
    """Classes ``[start, end)`` held by ``rank``.

    ``start = rank * num_classes // world_size``: the first
    ``num_classes % world_size`` ranks' worth of remainder is spread so that
    the shard sizes differ by at most one.
    """
    if not 0 <= rank < world_size:
        raise ValueError(f'rank {rank} not in [0, {world_size})')
    return (rank * num_classes // world_size,
            (rank + 1) * num_classes // world_size)


def _sharded() -> bool:
    return torch_dist.is_available() and torch_dist.is_initialized() \
        and torch_dist.get_world_size() > 1


def _reduce_sum(x: torch.Tensor) -> torch.Tensor:
    """Sum over the ranks (in place, no autograd)."""
    if _sharded():
        torch_dist.all_reduce(x, op=torch_dist.ReduceOp.SUM)
    return x


def _all_gather_padded(x: torch.Tensor, sizes: List[int]) -> torch.Tensor:
    padded = x.new_zeros((max(sizes), ) + tuple(x.shape[1:]))
    padded[:x.shape[0]] = x
    parts = [torch.empty_like(padded) for _ in sizes]
    torch_dist.all_gather(parts, padded.contiguous())
    return torch.cat([part[:n] for part, n in zip(parts, sizes)])


class _GatherWithGrad(torch.autograd.Function):
    """All-gather rows (sizes may differ); the gradient goes back to the
    rank that owns the rows, summed over all ranks and multiplied by
    ``grad_scale``."""

    @staticmethod
    def forward(ctx, x, sizes, rank, grad_scale):
        ctx.sizes, ctx.rank, ctx.grad_scale = sizes, rank, grad_scale
        return _all_gather_padded(x, sizes)

    @staticmethod
    def backward(ctx, grad):
        grad = grad.contiguous().clone()
        torch_dist.all_reduce(grad, op=torch_dist.ReduceOp.SUM)
        start = sum(ctx.sizes[:ctx.rank])
        own = grad[start:start + ctx.sizes[ctx.rank]]
        return own * ctx.grad_scale, None, None, None


class _ShardedCrossEntropy(torch.autograd.Function):
    """Mean softmax cross entropy of logits split by columns over ranks.

    ``logits``: ``(N, K_rank)``; ``local_target``: the column of each
    row's target on this rank, ``-1`` elsewhere (exactly one rank holds
    each target). The max and the sum of exponentials are all-reduced; the
    loss is the mean over the ``N`` rows, identical on every rank.
    """

    @staticmethod
    def forward(ctx, logits, local_target):
        row_max = logits.max(dim=1, keepdim=True)[0]
        if _sharded():
            torch_dist.all_reduce(row_max, op=torch_dist.ReduceOp.MAX)
        exp = (logits - row_max).exp()
        denom = _reduce_sum(exp.sum(dim=1, keepdim=True))
        rows = (local_target >= 0).nonzero(as_tuple=True)[0]
        cols = local_target[rows]
        per_row = logits.new_zeros(logits.shape[0])
        per_row[rows] = (denom[rows, 0].log() -
                         (logits[rows, cols] - row_max[rows, 0]))
        per_row = _reduce_sum(per_row)
        ctx.save_for_backward(exp, denom, rows, cols)
        return per_row.mean()

    @staticmethod
    def backward(ctx, grad):
        exp, denom, rows, cols = ctx.saved_tensors
        grad_logits = exp / denom
        grad_logits[rows, cols] -= 1.
        grad_logits.mul_(grad / exp.shape[0])
        return grad_logits, None


@MODELS.register_module()
class PartialFCHead(BaseModule):
    r"""Margin head with class centres sharded over the ranks (Partial FC).

    Rank ``r`` of ``W`` holds the centres of classes
    ``[r * C // W, (r + 1) * C // W)`` (:func:`shard_range`, the remainder
    spread over the ranks) as one parameter ``weight``. A training forward

    1. all-gathers the embeddings and labels of every rank (the embedding
       gradient flows back to the rank they came from);
    2. samples the centres of the shard: every positive of the gathered
       batch in the shard, plus uniformly random negatives up to
       ``max(#positives, ceil(sample_rate * shard size))`` centres (no
       sampling at ``sample_rate=1``);
    3. computes the cosines with the sampled centres in fp32 (autocast off)
       and hands them to the ``margin`` component
       (:mod:`~mmext.face.models.heads.margins`: ``ArcFaceMargin``,
       ``CosFaceMargin``, ``CurricularFaceMargin``), which adds the margin
       on the rank holding each target; CurricularFace's hard-negative
       reference :math:`\cos(\theta_y + m)` and the batch statistic of
       :math:`t` are summed over the ranks;
    4. computes the softmax cross entropy across the ranks (all-reduce of
       the row max and of the sum of exponentials): the loss is the mean
       over the *global* batch, the same on every rank.

    With ``world_size == 1`` it is an ordinary margin head with negative
    sampling. With ``sample_rate=1`` the loss, the centre gradients and ``t``
    equal those of the unsharded head on the concatenated batch.

    **Gradient scale.** The shard's gradient is the gradient of the global
    mean loss. The gradient returned to each rank's embeddings is that
    gradient *times world_size*, because data parallelism then *averages*
    the backbone gradients over the ranks, which gives back the gradient of
    the global mean loss (as in the unsharded DDP head, whose per-rank loss
    is a local mean).

    **The shard must not be averaged by DDP** (its rows differ per rank and
    the sizes may too): wrap the model with
    ``model_wrapper_cfg=dict(type='PartialFCDataParallel')``, which tells
    torch's DDP to ignore every ``PartialFCHead.weight``.

    **Optimizer state of the sampled rows.** The official arcface_torch code
    makes a new parameter of the sampled rows at each step and swaps their
    rows of the momentum buffer in and out, so only sampled rows are
    updated. Here the shard is *one dense parameter* and the sampled rows
    are indexed from it, so the loss gradient of unsampled rows is zero but
    the optimizer still applies its momentum (and weight decay) to every
    row, as it does to an unsharded head's rows whose gradient is small.
    This convention is chosen because it works with every mmengine
    optimizer, optimizer wrapper, gradient clipping and parameter scheduler
    unchanged, the optimizer state of the shard is an ordinary state entry
    (saved and resumed by the runner), and at ``sample_rate=1`` training is
    exactly that of the unsharded head; the price is a dense update of the
    shard (memory traffic of the full shard per step) and a shard-sized
    gradient, where arcface_torch holds the sampled rows' only.

    **Checkpoints.** The state dict holds this rank's shard as ``weight``,
    the margin's buffers (``margin.t``), the step count of the sampling
    (``num_steps``) and, as extra state, the layout
    ``(num_classes, world_size, rank)``; a state dict of another layout is
    not loaded into the head (an error when loading strictly, mmengine's
    mismatch warning otherwise, e.g. when ``tools/test.py`` evaluates the
    embedding on one process).
    ``tools/model_converters/partial_fc_shards.py`` merges N shard
    checkpoints into one checkpoint of
    :class:`~mmext.face.models.CurricularFaceHead` and splits one into N.

    Example:
        .. code:: python

            model = dict(
                type='FaceRecognizer',
                backbone=dict(type='IResNet', depth=100),
                head=dict(
                    type='PartialFCHead',
                    num_classes=2059906,
                    in_channels=512,
                    scale=64.,
                    sample_rate=0.2,
                    margin=dict(type='CurricularFaceMargin', margin=0.5,
                                momentum=0.99)))
            model_wrapper_cfg = dict(type='PartialFCDataParallel')

    Args:
        num_classes (int): Number of training identities (all ranks).
        in_channels (int): Dimension of the embedding.
        margin (dict | nn.Module): The margin component. Defaults to
            ``dict(type='ArcFaceMargin', margin=0.5)``.
        scale (float): Logit scale :math:`s`. Defaults to 64.
        sample_rate (float): Fraction of each shard's centres used per step
            (positives always included), in ``(0, 1]``. Defaults to 1.
        loss_weight (float): Weight of the loss. Defaults to 1.
        init_std (float): Std of the normal initialisation of the centres
            (arcface_torch's 0.01). Defaults to 0.01.
        sample_seed (int): Seed of the negative sampling. Step ``k`` of rank
            ``r`` draws from a generator seeded with ``(sample_seed, k, r)``
            (``k`` is the ``num_steps`` buffer, saved in checkpoints), so a
            resumed run samples exactly as the uninterrupted one.
            Defaults to 0.
        rank (int, optional): This rank; defaults to the process group's.
        world_size (int, optional): The number of shards; defaults to the
            process group's. Training requires the process group's.
        init_cfg (dict, optional): Initialisation config. Defaults to None.

    Shapes:
        - feats: a tuple whose last item is the embedding, ``(N, C_in)``.
        - target: class indices ``(N,)``; ``forward`` returns the scaled
          fp32 logits of the gathered batch with this rank's sampled
          centres, ``(N * world_size, K)``.
    """

    #: Differ by rank: kept out of the runner's post-init broadcast
    #: (:func:`mmext.compat.patch_rank_local_state`).
    rank_local_state_keys = ('weight', '_extra_state')
    #: ``loss`` takes this rank's embeddings and gathers them itself; a
    #: model that gathers embeddings for other heads (``DDLRecognizer``)
    #: gives this one the local ones.
    gathers_embeddings = True

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 margin: Union[dict, nn.Module] = dict(
                     type='ArcFaceMargin', margin=0.5),
                 scale: float = 64.,
                 sample_rate: float = 1.,
                 loss_weight: float = 1.,
                 init_std: float = 0.01,
                 sample_seed: int = 0,
                 rank: Optional[int] = None,
                 world_size: Optional[int] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(init_cfg=init_cfg)
        dist_rank, dist_world = get_dist_info()
        self.rank = dist_rank if rank is None else rank
        self.world_size = dist_world if world_size is None else world_size
        if num_classes < self.world_size:
            raise ValueError(f'num_classes ({num_classes}) must be at least '
                             f'world_size ({self.world_size})')
        if not 0. < sample_rate <= 1.:
            raise ValueError(
                f'sample_rate must be in (0, 1], got {sample_rate}')
        self.num_classes = num_classes
        self.in_channels = in_channels
        self.scale = scale
        self.sample_rate = sample_rate
        self.loss_weight = loss_weight
        self.sample_seed = int(sample_seed)
        self.class_start, self.class_end = shard_range(
            num_classes, self.world_size, self.rank)
        self.num_local = self.class_end - self.class_start
        self.weight = nn.Parameter(
            torch.empty(self.num_local, in_channels).normal_(0, init_std))
        # training steps taken (this rank's sampling stream)
        self.register_buffer('num_steps', torch.zeros((), dtype=torch.long))
        if not isinstance(margin, nn.Module):
            margin = MODELS.build(margin)
        self.margin = margin

    # ------------------------------------------------------------------
    # checkpoint layout
    def get_extra_state(self) -> dict:
        return dict(
            num_classes=self.num_classes,
            world_size=self.world_size,
            rank=self.rank)

    def _load_from_state_dict(self, state_dict, prefix, local_metadata,
                              strict, missing_keys, unexpected_keys,
                              error_msgs) -> None:
        # A shard of another layout is reported, not loaded: an error under
        # strict loading, mmengine's mismatch warning otherwise (e.g.
        # tools/test.py on one process, where only the embedding is used).
        layout = state_dict.get(prefix + '_extra_state')
        if layout is not None and dict(layout) != self.get_extra_state():
            error_msgs.append(
                f'{prefix or "head"}: PartialFCHead shard layout '
                f'{dict(layout)} in the checkpoint does not match this head '
                f'{self.get_extra_state()}; its centres are not loaded '
                '(convert them with '
                'tools/model_converters/partial_fc_shards.py)')
            return
        super()._load_from_state_dict(state_dict, prefix, local_metadata,
                                      strict, missing_keys, unexpected_keys,
                                      error_msgs)

    def set_extra_state(self, state: dict) -> None:
        mine = self.get_extra_state()
        if dict(state) != mine:
            raise ValueError(
                f'PartialFCHead shard layout {dict(state)} in the checkpoint '
                f'does not match this head {mine}; convert it with '
                'tools/model_converters/partial_fc_shards.py')

    # ------------------------------------------------------------------
    def pre_logits(self, feats: Tuple[torch.Tensor]) -> torch.Tensor:
        """The embedding: the last item of ``feats``."""
        return feats[-1]

    def _check_world(self) -> None:
        dist_rank, dist_world = get_dist_info()
        if (dist_rank, dist_world) != (self.rank, self.world_size):
            raise RuntimeError(
                f'PartialFCHead built for rank {self.rank} of '
                f'{self.world_size} runs in rank {dist_rank} of {dist_world}')

    def gather(self, embeddings: torch.Tensor,
               target: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """All-gather embeddings (with gradient) and labels of all ranks."""
        if self.world_size == 1:
            return embeddings, target
        size = torch.tensor([embeddings.shape[0]], device=embeddings.device)
        sizes = [torch.zeros_like(size) for _ in range(self.world_size)]
        torch_dist.all_gather(sizes, size)
        sizes = [int(s.item()) for s in sizes]
        embeddings = _GatherWithGrad.apply(embeddings, sizes, self.rank,
                                           float(self.world_size))
        target = _all_gather_padded(target, sizes)
        return embeddings, target

    def sample(self, local_labels: torch.Tensor) -> torch.Tensor:
        """Sorted shard rows to use: all positives + random negatives.

        Args:
            local_labels (torch.Tensor): Targets relative to the shard start,
                ``-1`` for targets on other shards.
        """
        device = self.weight.device
        if self.sample_rate >= 1.:
            return torch.arange(self.num_local, device=device)
        positives = torch.unique(local_labels[local_labels >= 0])
        num_sample = max(
            int(positives.numel()),
            min(self.num_local, math.ceil(self.sample_rate * self.num_local)))
        # a generator of (sample_seed, step, rank): the negatives of a step
        # do not depend on the global random state, so a resumed run draws
        # what the uninterrupted run drew
        generator = torch.Generator(device=device)
        generator.manual_seed(
            (self.sample_seed * 1_000_003 + int(self.num_steps) *
             self.world_size + self.rank) % (2**63))
        score = torch.rand(
            self.num_local, device=device, generator=generator)
        score[positives] = 2.  # positives first
        index = torch.topk(score, num_sample, sorted=False)[1]
        return index.sort()[0]

    def forward(self,
                feats: Tuple[torch.Tensor],
                target: Optional[torch.Tensor] = None) -> torch.Tensor:
        """Scaled fp32 logits of this rank's (sampled) centres.

        Without target: the cosines of this rank's embeddings with all its
        centres (no gathering, no margin). With target: see
        :meth:`_logits_and_target`.
        """
        if target is None:
            with autocast(enabled=False):
                emb = self.pre_logits(feats).float()
                return self.scale * F.linear(
                    F.normalize(emb), F.normalize(self.weight.float()))
        return self._logits_and_target(feats, target)[0]

    def _logits_and_target(
            self, feats: Tuple[torch.Tensor],
            target: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """Logits of the gathered batch and each row's local column."""
        if self.world_size > 1:
            self._check_world()
        with autocast(enabled=False):
            embeddings = self.pre_logits(feats)
            weight = self.weight
            embeddings = embeddings.to(weight.dtype)
            embeddings, target = self.gather(embeddings, target.view(-1))
            local = target - self.class_start
            local = torch.where((local >= 0) & (local < self.num_local), local,
                                torch.full_like(local, -1))
            index = self.sample(local)
            if index.numel() < self.num_local:
                weight = weight[index]
                held = local >= 0
                local = torch.where(
                    held, torch.searchsorted(index, local.clamp(min=0)),
                    local)
            self.last_sampled = index
            cosine = F.linear(F.normalize(embeddings),
                              F.normalize(weight)).clamp(-1, 1)
            logits = self.margin(cosine, local, _reduce_sum)
            return self.scale * logits, local

    def loss(self, feats: Tuple[torch.Tensor], data_samples: List[DataSample],
             **kwargs) -> dict:
        """The sharded softmax cross entropy, mean over the global batch."""
        target = torch.cat([i.gt_label for i in data_samples])
        logits, local = self._logits_and_target(feats, target)
        self.num_steps += 1
        loss = _ShardedCrossEntropy.apply(logits, local)
        return dict(loss=self.loss_weight * loss)


@MODEL_WRAPPERS.register_module()
class PartialFCDataParallel(MMDistributedDataParallel):
    """``MMDistributedDataParallel`` that leaves Partial FC shards alone.

    Every ``PartialFCHead.weight`` of the model is excluded from DDP's
    parameter check and gradient averaging (each rank holds other
    classes); buffers are not broadcast (``t`` is kept identical by the
    all-reduce of its batch statistic).
    """

    def __init__(self, module: nn.Module, **kwargs):
        names = [
            f'{name}.weight' if name else 'weight'
            for name, sub in module.named_modules()
            if isinstance(sub, PartialFCHead)
        ]
        previous: Sequence[str] = getattr(
            module, '_ddp_params_and_buffers_to_ignore', [])
        module._ddp_params_and_buffers_to_ignore = list(previous) + names
        kwargs.setdefault('broadcast_buffers', False)
        super().__init__(module=module, **kwargs)
