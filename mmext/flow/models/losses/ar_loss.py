"""The self-supervision loss of ARFlow's augmentation as a regulariser."""
from torch import Tensor, nn

from mmext.registry import MODELS


@MODELS.register_module()
class ARLoss(nn.Module):
    """``L_ar = mean(M (|F_pred - F_teacher| + eps)^q) / (mean(M) + 1e-7)``.

    ``F_teacher`` is the transformed, stop-gradient flow of the first pass,
    ``M`` its transformed non-occlusion mask.  The released configs use
    plain L1 (``eps=0, q=1``) since commit bf9a957; the paper's robust
    penalty is ``eps=0.01, q=0.4``.

    Args:
        loss_weight (float): w_ar. Default 0.01 (Sintel; KITTI 0.02).
        eps (float): Default 0.
        q (float): Default 1.
        use_mask (bool): weight by M (official ``mask_st``). Default True.
    """

    def __init__(self,
                 loss_weight: float = 0.01,
                 eps: float = 0.,
                 q: float = 1.,
                 use_mask: bool = True) -> None:
        super().__init__()
        self.loss_weight = loss_weight
        self.eps = eps
        self.q = q
        self.use_mask = use_mask

    def forward(self, pred: Tensor, teacher: Tensor, mask: Tensor) -> Tensor:
        """Args: ``pred``/``teacher`` (B, 2, H, W), ``mask`` (B, 1, H, W).

        Returns:
            Tensor: the weighted scalar loss.
        """
        if self.use_mask:
            mask = mask.expand_as(pred[:, :1])
        else:
            mask = pred.new_ones(pred[:, :1].shape)
        penalty = ((pred - teacher.detach()).abs() + self.eps)**self.q
        return self.loss_weight * (penalty * mask).mean() / (
            mask.mean() + 1e-7)
