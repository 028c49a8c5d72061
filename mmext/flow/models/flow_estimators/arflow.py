"""ARFlow: unsupervised flow with augmentation as a regulariser."""
from typing import Dict, List, Optional, Sequence, Union

import torch
import torch.nn.functional as F
from mmengine.model import BaseModel
from mmengine.structures import BaseDataElement
from torch import Tensor

from mmext.registry import MODELS
from ..utils import resize_flow


@MODELS.register_module()
class ARFlow(BaseModel):
    """ARFlow (Liu et al., "Learning by Analogy: Reliable Supervision from
    Transformations for Unsupervised Optical Flow Estimation", CVPR 2020).

    Training, one iteration (official ``*_trainer_ar.py``):

    1. the pair goes through the flow network forward and backward; the
       unsupervised loss (``loss``) is computed, which also gives the
       full-resolution non-occlusion mask;
    2. the teacher: the full-resolution forward flow, stop-gradient, and
       that mask;
    3. the appearance-transformed pair (``imgs_ph`` from the pipeline, or
       the pair itself when the pipeline makes none) is spatially
       transformed (``spatial_transform``, with the teacher and the mask);
    4. a second pass predicts the flow of the transformed pair, supervised
       by the transformed teacher under the transformed mask (``ar_loss``);
    5. optionally the occlusion transform: a crop of the appearance pair
       whose second frame gets random superpixels replaced by noise,
       supervised likewise by the cropped teacher (a third pass).

    Without ``ar_loss`` it is the plain unsupervised baseline (ARFlow's
    ``sintel_ft.json`` / no-AR).

    Prediction resizes the pair to ``test_size`` (or up to multiples of the
    network stride), and resizes the flow back with u, v rescaled.

    Args:
        flow_net (dict): the flow network, e.g. ``dict(type='PWCLite')``.
        loss (dict): the unsupervised loss, ``dict(type='UnFlowLoss')``.
        ar_loss (dict, optional): ``dict(type='ARLoss')``; None disables
            AR.
        spatial_transform (dict, optional): ST, e.g.
            ``dict(type='ARSpatialTransform')``; None: no ST.
        occlusion_transform (dict, optional): OT, e.g.
            ``dict(type='AROcclusionTransform')``; None (every released
            config).
        test_size (Sequence[int], optional): (H, W) of inference, e.g.
            (448, 1024) for Sintel.
        data_preprocessor (dict, optional): Default FlowDataPreprocessor.
        init_cfg (dict, optional): initialisation config.
    """

    def __init__(self,
                 flow_net: dict,
                 loss: dict,
                 ar_loss: Optional[dict] = None,
                 spatial_transform: Optional[dict] = None,
                 occlusion_transform: Optional[dict] = None,
                 test_size: Optional[Sequence[int]] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None) -> None:
        if data_preprocessor is None:
            data_preprocessor = dict(type='FlowDataPreprocessor')
        # built here so that it resolves in mmext's scope outside a runner
        data_preprocessor = MODELS.build(data_preprocessor)
        super().__init__(
            data_preprocessor=data_preprocessor, init_cfg=init_cfg)
        self.flow_net = MODELS.build(flow_net)
        self.loss_module = MODELS.build(loss)
        self.ar_loss = MODELS.build(ar_loss) if ar_loss else None
        self.spatial_transform = MODELS.build(
            spatial_transform) if spatial_transform else None
        self.occlusion_transform = MODELS.build(
            occlusion_transform) if occlusion_transform else None
        if self.ar_loss is None and (self.spatial_transform is not None
                                     or self.occlusion_transform is not None):
            raise ValueError('ARFlow: spatial/occlusion transforms need '
                             'ar_loss')
        self.test_size = tuple(test_size) if test_size else None

    def forward(self,
                inputs: Dict[str, Tensor],
                data_samples: Optional[List[BaseDataElement]] = None,
                mode: str = 'tensor') -> Union[dict, list]:
        """``loss``: dict of losses; ``predict``: data samples with
        ``pred_flow_fw``; ``tensor``: the flow network's output dict."""
        if mode == 'loss':
            return self.loss(inputs)
        if mode == 'predict':
            return self.predict(inputs, data_samples)
        if mode == 'tensor':
            return self.flow_net(inputs['imgs'])
        raise ValueError(f'ARFlow: invalid mode "{mode}"')

    def loss(self, inputs: Dict[str, Tensor]) -> Dict[str, Tensor]:
        """Unsupervised loss of the pair, plus the AR losses."""
        imgs = inputs['imgs']
        out = self.flow_net(imgs, with_bk=True)
        losses = self.loss_module(out['flows_fw'], out['flows_bw'], imgs[:, 0],
                                  imgs[:, 1])
        noc = losses.pop('noc_fw').detach()
        if self.ar_loss is None:
            return losses
        teacher = out['flows_fw'][0].detach()
        pair = inputs.get('imgs_ph', imgs)
        sample = dict(img1=pair[:, 0], img2=pair[:, 1], flow=teacher, mask=noc)
        if self.spatial_transform is not None:
            st = self.spatial_transform(**sample)
            pred = self.flow_net(torch.stack([st['img1'], st['img2']],
                                             1))['flows_fw'][0]
            losses['loss_ar'] = self.ar_loss(pred, st['flow'], st['mask'])
        if self.occlusion_transform is not None:
            ot = self.occlusion_transform(**sample)
            pred = self.flow_net(torch.stack([ot['img1'], ot['img2']],
                                             1))['flows_fw'][0]
            losses['loss_ot'] = self.ar_loss(pred, ot['flow'], ot['mask'])
        if self.spatial_transform is None and \
                self.occlusion_transform is None:
            # appearance transform only: the pair itself, recoloured
            pred = self.flow_net(pair)['flows_fw'][0]
            losses['loss_ar'] = self.ar_loss(pred, teacher, noc)
        return losses

    def _inference_size(self, size: tuple) -> tuple:
        if self.test_size is not None:
            return self.test_size
        stride = 2**len(self.flow_net.pyramid.levels)
        return tuple(-(-s // stride) * stride for s in size)

    def predict(
        self,
        inputs: Dict[str, Tensor],
        data_samples: Optional[List[BaseDataElement]] = None
    ) -> List[BaseDataElement]:
        """Full-resolution forward flow of every pair.

        Returns:
            list[BaseDataElement]: the data samples with ``pred_flow_fw``,
            a (2, H, W) tensor at the input size.
        """
        imgs = inputs['imgs']
        b, n, c, h, w = imgs.shape
        size = self._inference_size((h, w))
        if size != (h, w):
            imgs = F.interpolate(
                imgs.view(b * n, c, h, w),
                size,
                mode='bilinear',
                align_corners=True).view(b, n, c, *size)
        flow = resize_flow(self.flow_net(imgs)['flows_fw'][0], (h, w))
        if data_samples is None:
            data_samples = [BaseDataElement() for _ in range(b)]
        for sample, pred in zip(data_samples, flow):
            sample.pred_flow_fw = pred
        return data_samples
