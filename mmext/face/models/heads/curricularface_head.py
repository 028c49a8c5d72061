from typing import Optional, Sequence, Union

import torch
from mmpretrain.models.heads import ArcFaceClsHead
from mmpretrain.registry import MODELS

from .margins import (additive_angular_margin, curriculum_modulation,
                      update_curriculum_t)


@MODELS.register_module()
class CurricularFaceHead(ArcFaceClsHead):
    r"""CurricularFace classifier head.

    A PyTorch implementation of paper `CurricularFace: Adaptive Curriculum
    Learning Loss for Deep Face Recognition
    <https://arxiv.org/abs/2004.00288>`_ (CVPR 2020).

    The head reuses :class:`mmpretrain.models.ArcFaceClsHead` (the normalised
    product :math:`\cos\theta_j = \hat{x} \cdot \hat{w}_j`, the margins and
    the fallback that keeps the positive logit monotonic) and adds the
    *adaptive curriculum*: negatives that are harder than the margined
    positive are re-weighted by the modulation function

    .. math::

        N(t, \cos\theta_j) =
        \begin{cases}
            \cos\theta_j, & \cos(\theta_{y} + m) - \cos\theta_j \ge 0
                \quad \text{(easy)} \\
            \cos\theta_j\,(t + \cos\theta_j), & \text{otherwise (hard)}
        \end{cases}

    where the positive logit is :math:`T(\cos\theta_y) = \cos(\theta_y + m)`
    if :math:`\cos\theta_y > \cos(\pi - m)`, else
    :math:`\cos\theta_y - m\sin(\pi - m)` (the non-easy-margin fallback of
    insightface, also used by ``ArcFaceClsHead``), and the loss is the plain
    cross entropy of :math:`s \cdot` logits. The hard mask is computed
    against :math:`\cos(\theta_y + m)` *before* the fallback.

    The curriculum parameter :math:`t` is the exponential moving average of
    :math:`r`, the batch mean of the (unmodified) positive cosines,
    updated in every training forward before the modulation:

    .. math::

        t^{(k)} = (1 - \mu)\, r^{(k)} + \mu\, t^{(k-1)}, \qquad t^{(0)} = 0

    with :math:`\mu` = ``momentum`` the weight of the history. The paper
    writes the update as :math:`t^{(k)} = \alpha r^{(k)} + (1 - \alpha)
    t^{(k-1)}` with ":math:`\alpha = 0.99`"; the official code puts 0.99 on
    the *history* (``momentum=0.99`` here, the default), whereas TFace uses
    0.1 on the current batch (``momentum=0.9``). Early in training
    :math:`t` is small and hard negatives are down-weighted (easy samples
    first); as the positives align, :math:`t` grows and hard negatives are
    emphasised.

    :math:`t` is a persistent buffer, so it is saved in and restored from
    checkpoints. Under distributed training the sum and count of the
    positive cosines are all-reduced before the update, so :math:`t` is the
    EMA of the *global* batch mean and identical on every rank (mmengine's
    DDP wrapper does not broadcast buffers). It is only updated in training
    mode; in eval mode a forward with targets uses the stored :math:`t`.
    The logits are computed in fp32 (autocast is disabled, as in
    ``ArcFaceClsHead``), and the cosines are clamped to [-1, 1] as in the
    official code (``ArcFaceClsHead`` does not clamp, so a cosine that
    rounds above 1 gives NaN there). The formulas are those of
    :mod:`mmext.face.models.heads.margins`, shared with the sharded
    :class:`PartialFCHead` (``margin=dict(type='CurricularFaceMargin')``).

    Example:
        .. code:: python

            model = dict(
                type='FaceRecognizer',
                backbone=dict(type='IResNet', depth=100),
                head=dict(
                    type='CurricularFaceHead',
                    num_classes=85742,
                    in_channels=512,
                    scale=64.,
                    margins=0.5,
                    momentum=0.99,
                    loss=dict(type='CrossEntropyLoss', loss_weight=1.0),
                    init_cfg=dict(type='Normal', layer='Linear', std=0.01)))

    Args:
        num_classes (int): Number of training identities.
        in_channels (int): Dimension of the input embedding.
        num_subcenters (int): Number of sub-centres per class (sub-center
            ArcFace); the cosine of a class is the maximum over them.
            Defaults to 1.
        scale (float): The scale :math:`s` of the logits. Defaults to 64.0.
        margins (float | Sequence[float] | str): The additive angular margin
            :math:`m`, one for all classes, one per class, or a ``.txt``
            file with one margin per line (see ``ArcFaceClsHead``).
            Defaults to 0.5.
        momentum (float): Weight :math:`\mu` of the history in the EMA of
            :math:`t`. Defaults to 0.99 (the official code).
        loss (dict): Config of the classification loss. Defaults to
            ``dict(type='CrossEntropyLoss', loss_weight=1.0)``.
        init_cfg (dict, optional): The config to control the initialization.
            The official code initialises the class centres with
            ``dict(type='Normal', layer='Linear', std=0.01)``.
            Defaults to None.

    Shapes:
        - feats: a tuple whose last item is the embedding, ``(N, C_in)``.
        - target: class indices, ``(N,)`` or ``(N, 1)``.
        - output: logits, ``(N, num_classes)``, float32.
    """

    def __init__(self,
                 num_classes: int,
                 in_channels: int,
                 num_subcenters: int = 1,
                 scale: float = 64.,
                 margins: Union[float, Sequence[float], str] = 0.5,
                 momentum: float = 0.99,
                 loss: dict = dict(type='CrossEntropyLoss', loss_weight=1.0),
                 init_cfg: Optional[dict] = None):
        super().__init__(
            num_classes=num_classes,
            in_channels=in_channels,
            num_subcenters=num_subcenters,
            scale=scale,
            margins=margins,
            easy_margin=False,
            loss=loss,
            init_cfg=init_cfg)
        if not 0. <= momentum <= 1.:
            raise ValueError(f'momentum must be in [0, 1], got {momentum}')
        self.momentum = momentum
        self.register_buffer('t', torch.zeros(1))

    def _update_t(self, target_cos: torch.Tensor) -> None:
        """EMA update of ``t`` with the (global) batch mean positive cosine.

        Args:
            target_cos (torch.Tensor): Positive cosines of this rank's
                samples, ``(N, 1)``.
        """
        update_curriculum_t(self.t, target_cos, self.momentum)

    def _get_logit_with_margin(self, pre_logits: torch.Tensor,
                               target: torch.Tensor) -> torch.Tensor:
        """Cosine logits with the margined positive and modulated negatives.

        Args:
            pre_logits (torch.Tensor): Embeddings, ``(N, C_in)``.
            target (torch.Tensor): Class indices, ``(N,)`` or ``(N, 1)``.

        Returns:
            torch.Tensor: Unscaled logits, ``(N, num_classes)``.
        """
        assert target.dim() == 1 or (
            target.dim() == 2 and target.shape[1] == 1), \
            'The target must be in index format.'
        weight = self.norm_product.weight
        cosine = self.norm_product(pre_logits.to(weight.dtype)).clamp(-1, 1)
        index = target.view(-1, 1)
        target_cos = cosine.gather(1, index)
        positive, cos_theta_m = additive_angular_margin(
            target_cos, self.margins[index], self.threshold[index],
            self.sinm_m[index])

        if self.training:
            self._update_t(target_cos)
        logits = curriculum_modulation(cosine, cos_theta_m, self.t)
        return logits.scatter(1, index, positive)
