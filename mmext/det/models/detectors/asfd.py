"""ASFD detector: backbone, Auto-FEM neck and a dual-shot ASFD head."""
from typing import Optional

from mmdet.models.detectors import SingleStageDetector
from mmdet.registry import MODELS
from mmdet.structures import SampleList
from mmdet.utils import ConfigType, OptConfigType, OptMultiConfig
from torch import Tensor


@MODELS.register_module()
class ASFD(SingleStageDetector):
    """ASFD: Automatic and Scalable Face Detector (arXiv 2003.11228).

    A single-stage detector with DSFD's dual shot: the neck (an
    :class:`AutoFEM` or :class:`AutoFEMSearch`) gives first-shot features
    (``neck.pyramid``) and second-shot features (``neck.enhance``); the
    first shot is supervised by ``first_shot_head`` (an auxiliary head with
    half-size anchors, dropped at inference as the public code drops the
    ``auxiliary`` weights) and the second shot by ``bbox_head``, which alone
    predicts. The total loss is ``L_second + first_shot_weight * L_first``
    (DSFD's progressive anchor loss; the weight is not public, 1.0 is our
    choice).

    Args:
        backbone (dict): Backbone config.
        neck (dict): Auto-FEM neck config.
        bbox_head (dict): Second-shot :class:`ASFDHead` config.
        first_shot_head (dict, optional): First-shot head config; None
            trains a single shot.
        first_shot_weight (float): Weight of the first-shot losses.
        train_cfg (dict, optional): Training config of both heads.
        test_cfg (dict, optional): Testing config.
        data_preprocessor (dict, optional): Data preprocessor config.
        init_cfg (dict, optional): Initialisation config.
    """

    def __init__(self,
                 backbone: ConfigType,
                 neck: ConfigType,
                 bbox_head: ConfigType,
                 first_shot_head: OptConfigType = None,
                 first_shot_weight: float = 1.0,
                 train_cfg: OptConfigType = None,
                 test_cfg: OptConfigType = None,
                 data_preprocessor: OptConfigType = None,
                 init_cfg: OptMultiConfig = None) -> None:
        super().__init__(
            backbone=backbone,
            neck=neck,
            bbox_head=bbox_head,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        for method in ('pyramid', 'enhance'):
            if not hasattr(self.neck, method):
                raise TypeError(f'ASFD needs a neck with `{method}` (an '
                                f'AutoFEM), got {type(self.neck).__name__}')
        self.first_shot_head: Optional[object] = None
        if first_shot_head is not None:
            first_shot_head.update(train_cfg=train_cfg, test_cfg=test_cfg)
            self.first_shot_head = MODELS.build(first_shot_head)
        self.first_shot_weight = first_shot_weight

    def loss(self, batch_inputs: Tensor,
             batch_data_samples: SampleList) -> dict:
        """Losses of both shots.

        Args:
            batch_inputs (Tensor): (N, 3, H, W) images.
            batch_data_samples (list[DetDataSample]): Ground truth.

        Returns:
            dict: second-shot losses, and the first-shot ones prefixed
            ``fs_`` and scaled by ``first_shot_weight``.
        """
        first = self.neck.pyramid(self.backbone(batch_inputs))
        losses = self.bbox_head.loss(
            self.neck.enhance(first), batch_data_samples)
        if self.first_shot_head is not None:
            aux = self.first_shot_head.loss(first, batch_data_samples)
            for name, value in aux.items():
                if isinstance(value, (list, tuple)):
                    value = [self.first_shot_weight * v for v in value]
                else:
                    value = self.first_shot_weight * value
                losses[f'fs_{name}'] = value
        return losses
