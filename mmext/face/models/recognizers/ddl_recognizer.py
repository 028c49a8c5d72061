import copy
from typing import Any, Dict, List, Optional, Union

import torch
from mmengine.dist import all_gather, get_world_size
from mmengine.logging import MessageHub
from mmpretrain.models.selfsup.simclr import GatherLayer
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .face_recognizer import FaceRecognizer

#: Branch names of a DDL batch, in the order of ``DDLBatchSampler``.
BRANCHES = ('easy', 'hard', 'pair_easy_0', 'pair_easy_1', 'pair_hard_0',
            'pair_hard_1')


class _ScaleGrad(torch.autograd.Function):
    """Identity forward; the gradient multiplied by ``scale``."""

    @staticmethod
    def forward(ctx: Any, x: torch.Tensor, scale: float) -> torch.Tensor:
        ctx.scale = scale
        return x.view_as(x)

    @staticmethod
    def backward(ctx: Any, grad: torch.Tensor):
        return grad * ctx.scale, None


def gather_with_grad(x: torch.Tensor) -> torch.Tensor:
    """All-gather ``x`` along dim 0, gradients summed over the ranks.

    mmpretrain's SimCLR ``GatherLayer`` returns to each rank the gradient
    of its *own* loss w.r.t. its slice; every rank computes the same loss on
    the gathered batch here, so multiplying by the world size gives the sum
    over the ranks (a reduce-scatter), and after DDP's average the backbone
    gradient is that of one process on the whole global batch.

    Args:
        x (torch.Tensor): This rank's ``(N, ...)``.

    Returns:
        torch.Tensor: ``(W N, ...)``, rank order.
    """
    world_size = get_world_size()
    if world_size == 1:
        return x
    return torch.cat(GatherLayer.apply(_ScaleGrad.apply(x, world_size)))


@MODELS.register_module()
class DDLRecognizer(FaceRecognizer):
    r"""Face recognizer fine-tuned with DDL on easy and hard branches.

    Training step of `Improving Face Recognition from Hard Samples via
    Distribution Distillation Loss <https://arxiv.org/abs/2002.03662>`_
    (ECCV 2020) as in TFace's ``tasks/ddl/train_ddl.py``: a batch holds, in
    the order of :class:`DDLBatchSampler`, ``B`` easy and ``B`` hard
    single images (ID-balanced) and ``B`` easy and ``B`` hard positive pairs
    (branch names in each data sample's ``ddl_branch``). One backbone pass
    embeds the concatenated batch; the embeddings of each branch are then
    **all-gathered with gradients** across ranks, and on the gathered
    (global) batch

    - a margin head + CE per single-image branch (``head`` on the easy
      branch, ``hard_head`` on the hard one, or ``head`` on both with
      ``share_head``, when both index one identity space), logged as
      ``loss_ce_easy`` and ``loss_ce_hard``;
    - from iteration ``train_cfg.ddl_start_iter`` on, ``ddl_loss``
      (:class:`DDLLoss`) with the easy branch as teacher: negatives from the
      single-image branches, positives from the pair branches. While DDL is
      off (before that iteration, or ``ddl_loss=None``) the pair images are
      not embedded at all, as nothing uses them.

    **Gradient scale.** TFace's ``AllGather`` backward reduce-scatters (sums)
    the gathered gradient and multiplies it by the world size ``W``. TFace's
    margin heads are model-parallel (``DIST_FC``), so for CE that product
    undoes DDP's averaging and the backbone gets the gradient of one process
    on the global batch; DDL is computed identically on every rank, so its
    backbone gradient is ``W`` times that of one process on the global
    batch. Here the heads are replicated, so the embeddings are gathered
    with the *sum* of the ranks' gradients (``GatherLayer`` times ``W``),
    which gives the CE the same one-process gradient, and DDL's input
    gradient is scaled by ``ddl_grad_scale`` (default ``'world_size'``:
    TFace's factor ``W``; a number for a fixed factor). On one process the
    factor is 1, so TFace's lr 1e-3 on 8 GPUs (global batch 4 x 256)
    corresponds on one process with the same global batch to the DDL
    weights times 8.

    **Sharded heads.** A head that gathers the embeddings itself (its
    ``gathers_embeddings`` is True: :class:`PartialFCHead`, the class
    centres sharded over the ranks) gets this rank's embeddings and labels
    of its branch, and returns the same loss and embedding gradient as a
    replicated head on the gathered batch (at ``sample_rate=1``); the model
    then needs ``model_wrapper_cfg=dict(type='PartialFCDataParallel')``.
    DDL still uses the gathered embeddings.

    Prediction is :class:`FaceRecognizer`'s (the embedding).

    Args:
        backbone (dict): The backbone.
        head (dict): The margin head of the easy branch (e.g.
            ``CurricularFaceHead``).
        hard_head (dict, optional): The head of the hard branch. Defaults to
            a copy of ``head`` unless ``share_head``.
        share_head (bool): Use ``head`` for both branches. Defaults to False.
        ddl_loss (dict, optional): The DDL loss; None disables DDL (the
            CurricularFace-FT baseline). Defaults to ``dict(type='DDLLoss')``.
        ddl_grad_scale (str | float): See above. Defaults to
            ``'world_size'``.
        neck (dict, optional): The neck. Defaults to None.
        pretrained (str, optional): Checkpoint to initialise from.
        train_cfg (dict, optional): ``ddl_start_iter`` (int, default 0): the
            first iteration (0-based, the runner's ``iter``) with DDL; other
            keys go to ``ImageClassifier`` (batch augments).
        test_cfg (dict, optional): As :class:`FaceRecognizer`.
        data_preprocessor (dict, optional): As :class:`FaceRecognizer`.
        init_cfg (dict, optional): The initialization config.

    Shapes:
        - inputs: ``(6 B, 3, H, W)``, the branches concatenated.
        - embeddings gathered per branch: ``(W B, D)``.
    """

    def __init__(self,
                 backbone: dict,
                 head: dict,
                 hard_head: Optional[dict] = None,
                 share_head: bool = False,
                 ddl_loss: Optional[dict] = dict(type='DDLLoss'),
                 ddl_grad_scale: Union[str, float] = 'world_size',
                 neck: Optional[dict] = None,
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        train_cfg = dict(train_cfg or {})
        self.ddl_start_iter = int(train_cfg.pop('ddl_start_iter', 0))
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            pretrained=pretrained,
            train_cfg=train_cfg or None,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        if share_head and hard_head is not None:
            raise ValueError('DDLRecognizer: share_head=True uses head for '
                             'both branches; do not give hard_head')
        self.share_head = share_head
        if not share_head:
            self.hard_head = MODELS.build(
                copy.deepcopy(head if hard_head is None else hard_head))
        self.ddl_loss = MODELS.build(ddl_loss) if ddl_loss else None
        if not (ddl_grad_scale == 'world_size'
                or isinstance(ddl_grad_scale, (int, float))):
            raise ValueError("ddl_grad_scale must be 'world_size' or a "
                             f'number, got {ddl_grad_scale!r}')
        self.ddl_grad_scale = ddl_grad_scale
        self._calls = 0

    def _current_iter(self) -> int:
        info = MessageHub.get_current_instance().get_info('iter')
        return self._calls if info is None else int(info)

    def split_branches(self,
                       data_samples: List[DataSample]) -> Dict[str, List]:
        """Indices of each branch in the batch, checked equal in size.

        Raises:
            KeyError: A data sample has no ``ddl_branch``.
            ValueError: The branches hold unequal numbers of samples.
        """
        groups = {name: [] for name in BRANCHES}
        for i, sample in enumerate(data_samples):
            branch = sample.metainfo.get('ddl_branch')
            if branch not in groups:
                raise KeyError(
                    f'DDLRecognizer: data sample {i} has ddl_branch='
                    f'{branch!r}, not one of {BRANCHES}; train on a '
                    'DDLBranchDataset')
            groups[branch].append(i)
        counts = {name: len(idx) for name, idx in groups.items()}
        if len(set(counts.values())) != 1:
            raise ValueError('DDLRecognizer: unequal branch counts in the '
                             f'batch {counts}; DDLBatchSampler gives '
                             'batch_size items per branch')
        return groups

    @staticmethod
    def _check_id_balanced(name: str, labels: torch.Tensor,
                           samples: List[DataSample]) -> None:
        """Every identity at most once in a gathered single-image branch."""
        values, counts = torch.unique(labels, return_counts=True)
        if bool((counts > 1).any()):
            label = int(values[counts > 1][0])
            local = [
                s.metainfo.get('img_source', s.metainfo.get('img_path', '?'))
                for s in samples if int(s.gt_label) == label
            ]
            raise ValueError(
                f'DDLRecognizer: identity {label} appears '
                f'{int(counts[counts > 1][0])} times in the gathered {name!r}'
                ' batch, which DDL needs ID-balanced (one image per '
                f'identity; use DDLBatchSampler); on this rank: {local}')

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        """CE per single-image branch, plus DDL from ``ddl_start_iter``.

        Args:
            inputs (torch.Tensor): ``(6 B, C, H, W)``.
            data_samples (List[DataSample]): With ``gt_label`` and
                ``ddl_branch``.

        Returns:
            Dict[str, torch.Tensor]: ``loss_ce_easy``, ``loss_ce_hard`` and,
            with DDL on, the three DDL terms.
        """
        groups = self.split_branches(data_samples)
        iteration = self._current_iter()
        self._calls += 1
        ddl_on = self.ddl_loss is not None and \
            iteration >= self.ddl_start_iter
        # the pair branches feed DDL only: not embedded while it is off
        used = BRANCHES if ddl_on else ('easy', 'hard')
        index = torch.tensor([i for name in used for i in groups[name]],
                             device=inputs.device)
        embedding = self.extract_feat(inputs.index_select(0, index))[-1]
        local, feats, start = {}, {}, 0
        for name in used:
            size = len(groups[name])
            local[name] = embedding[start:start + size]
            feats[name] = gather_with_grad(local[name])
            start += size
        losses = {}
        for name in ('easy', 'hard'):
            samples = [data_samples[i] for i in groups[name]]
            labels = torch.cat([s.gt_label for s in samples]).to(
                embedding.device)
            if get_world_size() > 1:
                labels = torch.cat(all_gather(labels))
            self._check_id_balanced(name, labels, samples)
            head = self.head if (name == 'easy'
                                 or self.share_head) else self.hard_head
            if getattr(head, 'gathers_embeddings', False):  # PartialFCHead
                head_losses = head.loss((local[name], ), samples)
            else:
                gathered = [DataSample().set_gt_label(lb) for lb in labels]
                head_losses = head.loss((feats[name], ), gathered)
            losses[f'loss_ce_{name}'] = head_losses['loss']
        if ddl_on:
            scale = get_world_size() if self.ddl_grad_scale == 'world_size' \
                else float(self.ddl_grad_scale)
            scaled = {
                n: f if scale == 1 else _ScaleGrad.apply(f, scale)
                for n, f in feats.items()
            }
            losses.update(
                self.ddl_loss([scaled['easy'], scaled['hard']],
                              [scaled['pair_easy_0'], scaled['pair_hard_0']],
                              [scaled['pair_easy_1'], scaled['pair_hard_1']]))
        return losses
