from typing import List, Optional

import torch
import torch.nn.functional as F
from mmpretrain.models import ImageClassifier
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample


@MODELS.register_module()
class FaceRecognizer(ImageClassifier):
    """Face recognition model: trained as a classifier, tested as an embedder.

    Training is :class:`mmpretrain.models.ImageClassifier`'s (the margin head
    classifies the training identities). Prediction does not use the head:
    it returns the face *embedding*, the last output of the neck (or of the
    backbone if there is no neck), stored as ``pred_feat`` in each data
    sample, so that verification metrics and feature extraction work through
    ``tools/test.py``.

    Args:
        backbone (dict): The backbone, e.g. ``dict(type='IResNet', ...)``.
        neck (dict, optional): The neck. Defaults to None.
        head (dict, optional): The training head, e.g. a
            ``CurricularFaceHead``. Not needed for prediction.
            Defaults to None.
        pretrained (str, optional): Checkpoint to initialise from.
            Defaults to None.
        train_cfg (dict, optional): Batch augmentations (see
            ``ImageClassifier``). Defaults to None.
        test_cfg (dict, optional): How embeddings are computed:

            - ``flip`` (bool): add the embedding of the horizontally flipped
              image to that of the image (flip test-time augmentation, as
              in the verification protocol of insightface). Defaults to
              False.
            - ``normalize`` (bool): L2-normalise the (summed) embedding.
              Keep it False for IJB-B/C, whose protocol weights images by
              the embedding norm. Defaults to True.

        data_preprocessor (dict, optional): Defaults to
            ``ClsDataPreprocessor``; face recognition uses
            ``mean=[127.5] * 3, std=[127.5] * 3, to_rgb=True`` (RGB in
            [-1, 1]).
        init_cfg (dict, optional): The config to control the initialization.
            Defaults to None.

    Shapes:
        - inputs: ``(N, 3, H, W)``.
        - ``pred_feat`` of each data sample: ``(embedding_size, )``.
    """

    def __init__(self,
                 backbone: dict,
                 neck: Optional[dict] = None,
                 head: Optional[dict] = None,
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        super().__init__(
            backbone=backbone,
            neck=neck,
            head=head,
            pretrained=pretrained,
            train_cfg=train_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        test_cfg = dict(test_cfg or {})
        self.flip_test = bool(test_cfg.pop('flip', False))
        self.normalize = bool(test_cfg.pop('normalize', True))
        if test_cfg:
            raise KeyError(f'unknown test_cfg keys {sorted(test_cfg)}; '
                           'FaceRecognizer accepts flip and normalize')

    def extract_embedding(self, inputs: torch.Tensor) -> torch.Tensor:
        """Embeddings of a batch, flip-summed and normalised per test_cfg.

        Args:
            inputs (torch.Tensor): Images, ``(N, C, H, W)``.

        Returns:
            torch.Tensor: Embeddings, ``(N, D)``.
        """
        embedding = self.extract_feat(inputs)[-1]
        if self.flip_test:
            embedding = embedding + self.extract_feat(inputs.flip(3))[-1]
        if self.normalize:
            embedding = F.normalize(embedding, dim=1)
        return embedding

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                **kwargs) -> List[DataSample]:
        """Embed a batch and store the embeddings as ``pred_feat``.

        Args:
            inputs (torch.Tensor): Images, ``(N, C, H, W)``.
            data_samples (List[DataSample], optional): The data samples to
                fill; new ones are created if None. Defaults to None.

        Returns:
            List[DataSample]: One per image, with ``pred_feat``.
        """
        embeddings = self.extract_embedding(inputs)
        if data_samples is None:
            data_samples = [DataSample() for _ in range(len(embeddings))]
        for data_sample, embedding in zip(data_samples, embeddings):
            data_sample.set_field(embedding, 'pred_feat', field_type='data')
        return data_samples
