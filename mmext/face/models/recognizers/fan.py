import copy
from contextlib import contextmanager
from typing import Dict, List, Optional, Tuple

import torch
import torch.nn as nn
from mmengine.optim import OptimWrapperDict
from mmpretrain.datasets.transforms import PackInputs
from mmpretrain.registry import MODELS
from mmpretrain.structures import DataSample

from .face_recognizer import FaceRecognizer

#: Loss weights of FAN; the paper's are not verified, these are ours.
DEFAULT_LOSS_WEIGHTS = dict(
    pixel=1.0,  # stage 1: L1 of the reconstructed HR face
    identity=1.0,  # stage 1: 1 - cos of the recogniser's features
    image_adversarial=0.01,  # stage 1: image discriminator, generator side
    swap=1.0,  # stage 1: feature swapping within an identity
    feature=1.0,  # stage 2: L2 of paired LR and HR embeddings
    feature_adversarial=0.1,  # stage 2: feature discriminator
    classification=0.0,  # stage 2: margin head + CE on LR embeddings
    normalized_pixel=0.0,  # stage 2: L1 of the normalised LR face vs HR
)


@contextmanager
def _frozen(*modules: nn.Module):
    """Parameters of ``modules`` without gradient inside the block."""
    params = [p for m in modules for p in m.parameters()]
    states = [p.requires_grad for p in params]
    for p in params:
        p.requires_grad_(False)
    try:
        yield
    finally:
        for p, state in zip(params, states):
            p.requires_grad_(state)


@MODELS.register_module()
class FAN(FaceRecognizer):
    """Feature Adaptation Network for surveillance face recognition.

    `Feature Adaptation Network for Surveillance Face Recognition and
    Normalization <https://arxiv.org/abs/1911.11680>`_ (Yin et al., ACCV
    2020). No code is public and only the abstract-level design is verified;
    every choice below that is not is a field, and its default is ours.

    - ``backbone`` is the **identity encoder**: a trained recogniser (e.g.
      ``IResNet`` from a CurricularFace checkpoint), frozen and in eval mode
      in stages 1 and 2; it gives the HR identity feature ``f_z``. Without a
      trained one, **stage 0** (ours, not the paper's) trains it with the
      margin ``head`` and CE on the HR faces, as :class:`FaceRecognizer`.
    - ``non_identity_encoder`` (:class:`FANNonIdentityEncoder`) gives the
      non-identity code ``f_n``; ``decoder`` (:class:`FANDecoder`) renders
      a face from ``[f_z, f_n]``.
    - ``lr_backbone`` is the **LR identity encoder**, a second recogniser of
      the same type, initialised from ``backbone`` when stage 2 first starts
      (buffer ``lr_initialized``), trained so that its features of LR faces
      match the HR features.

    **Stage 1** (HR faces; non-identity encoder, decoder and image
    discriminator trained): pixel L1 between the reconstruction and the HR
    face, identity preservation ``1 - cos`` between the recogniser's
    features of both, the image-adversarial loss, and with ``swap_features``
    the reconstruction of a face from the identity feature of *another*
    image of the same identity in the batch (its own non-identity code).

    **Stage 2** (LR inputs with their HR ``gt_img`` when paired, e.g. by
    :class:`RandomScaleAugment`; LR encoder, optional margin head and
    feature discriminator trained): L2 between the LR and HR embeddings of
    paired samples, the feature-adversarial loss (HR features real, LR
    fake; needs no pairing), optionally CE of a margin ``head`` on the LR
    embeddings and L1 of the decoded normalised face
    ``decoder(f_lr, non_identity_encoder(lr))`` (decoder and non-identity
    encoder frozen) against the HR face. A sample is paired unless its
    metainfo says ``paired=False`` (unpaired LR data; its ``gt_img`` is
    then an HR face of another identity, used as a real sample of the
    discriminator only).

    ``train_step`` alternates, per iteration, one discriminator update
    (``optim_wrapper['discriminator']``) and one generator update
    (``optim_wrapper['generator']``) with mmengine's
    :class:`~mmengine.optim.OptimWrapperDict` (built by
    ``SubmoduleOptimWrapperConstructor``); the discriminators are frozen in
    the generator step. The stage is the buffer ``stage``, set by
    :meth:`set_stage` (``FANStageHook`` switches it at an epoch), so a
    resumed run continues in its stage.

    Prediction is :class:`FaceRecognizer`'s with the LR encoder once it is
    initialised (the backbone before); ``test_cfg.with_image=True`` also
    stores the normalised face as ``pred_img`` (``(3, H, W)``, RGB in
    [0, 255]).

    Args:
        backbone (dict): The identity encoder (frozen).
        non_identity_encoder (dict): Defaults to
            ``dict(type='FANNonIdentityEncoder')``.
        decoder (dict): Defaults to ``dict(type='FANDecoder')``.
        image_discriminator (dict): Defaults to
            ``dict(type='FANImageDiscriminator')``.
        feature_discriminator (dict): Defaults to
            ``dict(type='FANFeatureDiscriminator')``.
        lr_backbone (dict, optional): The LR identity encoder. Defaults to a
            copy of ``backbone``.
        head (dict, optional): Margin head of the training identities: CE
            on the HR embeddings in stage 0, on the LR embeddings in stage 2
            (weight ``classification``). Defaults to None.
        adversarial_loss (dict): Defaults to
            ``dict(type='FANAdversarialLoss')`` (non-saturating).
        pixel_loss (dict): mmpretrain's ``PixelReconstructionLoss``, L1.
        feature_loss (dict): mmpretrain's ``PixelReconstructionLoss``, L2.
        identity_loss (dict): mmpretrain's ``CosineSimilarityLoss`` as
            ``1 - cos``.
        loss_weights (dict, optional): Overrides of
            :data:`DEFAULT_LOSS_WEIGHTS`; a weight of 0 skips its term.
        swap_features (bool): Stage-1 feature swapping. Defaults to True.
        pretrained (str, optional): Checkpoint to initialise from.
        train_cfg (dict, optional): As :class:`FaceRecognizer`.
        test_cfg (dict, optional): ``flip`` and ``normalize`` as
            :class:`FaceRecognizer`, and ``with_image`` (bool).
        data_preprocessor (dict, optional): As :class:`FaceRecognizer`; it
            also normalises ``gt_img``.
        init_cfg (dict, optional): Initialisation config.

    Shapes:
        - inputs: ``(N, 3, H, W)``: HR faces (stage 1) or LR faces resized to
          the input size (stage 2); ``gt_img`` of a data sample
          ``(H, W, 3)``, as packed by ``PackInputs(algorithm_keys=
          ('gt_img', ))``.
    """

    def __init__(self,
                 backbone: dict,
                 non_identity_encoder: dict = dict(
                     type='FANNonIdentityEncoder'),
                 decoder: dict = dict(type='FANDecoder'),
                 image_discriminator: dict = dict(
                     type='FANImageDiscriminator'),
                 feature_discriminator: dict = dict(
                     type='FANFeatureDiscriminator'),
                 lr_backbone: Optional[dict] = None,
                 head: Optional[dict] = None,
                 adversarial_loss: dict = dict(type='FANAdversarialLoss'),
                 pixel_loss: dict = dict(
                     type='PixelReconstructionLoss', criterion='L1'),
                 feature_loss: dict = dict(
                     type='PixelReconstructionLoss', criterion='L2'),
                 identity_loss: dict = dict(
                     type='CosineSimilarityLoss',
                     shift_factor=1.0,
                     scale_factor=1.0),
                 loss_weights: Optional[dict] = None,
                 swap_features: bool = True,
                 pretrained: Optional[str] = None,
                 train_cfg: Optional[dict] = None,
                 test_cfg: Optional[dict] = None,
                 data_preprocessor: Optional[dict] = None,
                 init_cfg: Optional[dict] = None):
        test_cfg = dict(test_cfg or {})
        self.with_image = bool(test_cfg.pop('with_image', False))
        super().__init__(
            backbone=backbone,
            head=head,
            pretrained=pretrained,
            train_cfg=train_cfg,
            test_cfg=test_cfg,
            data_preprocessor=data_preprocessor,
            init_cfg=init_cfg)
        unknown = set(loss_weights or {}) - set(DEFAULT_LOSS_WEIGHTS)
        if unknown:
            raise KeyError(f'FAN: unknown loss_weights keys {sorted(unknown)}'
                           f'; known: {sorted(DEFAULT_LOSS_WEIGHTS)}')
        self.loss_weights = {**DEFAULT_LOSS_WEIGHTS, **(loss_weights or {})}
        self.lr_backbone = MODELS.build(
            copy.deepcopy(lr_backbone or backbone))
        self.non_identity_encoder = MODELS.build(non_identity_encoder)
        self.decoder = MODELS.build(decoder)
        self.image_discriminator = MODELS.build(image_discriminator)
        self.feature_discriminator = MODELS.build(feature_discriminator)
        self.adversarial_loss = MODELS.build(adversarial_loss)
        self.pixel_loss = MODELS.build(pixel_loss)
        self.feature_loss = MODELS.build(feature_loss)
        self.identity_loss = MODELS.build(identity_loss)
        self.swap_features = swap_features
        self.register_buffer('stage', torch.tensor(1))
        self.register_buffer('lr_initialized', torch.tensor(False))
        self.set_stage(1)

    # ------------------------------------------------------------------
    # stages
    def _trainable(self, stage: int) -> Tuple[nn.Module, ...]:
        if stage == 0:
            return (self.backbone, self.head)
        modules = (self.non_identity_encoder, self.decoder,
                   self.image_discriminator) if stage == 1 else (
                       self.lr_backbone, self.feature_discriminator)
        if stage == 2 and self.with_head:
            modules += (self.head, )
        return modules

    def set_stage(self, stage: int) -> None:
        """Switch to stage 0, 1 or 2 (what is trained; see the class doc).

        The first switch to stage 2 copies the identity encoder into the LR
        encoder unless it is initialised (e.g. loaded from a stage-2
        checkpoint).
        """
        if stage not in (0, 1, 2):
            raise ValueError(f'FAN: stage must be 0, 1 or 2, got {stage}')
        if stage == 0 and not self.with_head:
            raise ValueError('FAN: stage 0 trains the recogniser with its '
                             'margin head; give head=...')
        if stage == 2 and not bool(self.lr_initialized):
            self.lr_backbone.load_state_dict(self.backbone.state_dict())
            self.lr_initialized.fill_(True)
        self.stage.fill_(stage)
        for module in self.children():
            module.requires_grad_(False)
        for module in self._trainable(stage):
            module.requires_grad_(True)
        self.train(self.training)

    def train(self, mode: bool = True) -> 'FAN':
        """Train mode for the modules trained in the stage only: the frozen
        ones (the recogniser always) keep their BatchNorm statistics."""
        super().train(mode)
        if mode:
            trainable = set(map(id, self._trainable(int(self.stage))))
            for module in self.children():
                if id(module) not in trainable:
                    module.eval()
        return self

    # ------------------------------------------------------------------
    # inputs
    def _gt_images(self, inputs: torch.Tensor,
                   data_samples: List[DataSample]) -> torch.Tensor:
        """The HR faces, normalised as the inputs (the inputs if none)."""
        if not data_samples or 'gt_img' not in data_samples[0]:
            return inputs
        gt = torch.stack(
            [PackInputs.format_input(s.gt_img) for s in data_samples])
        return self.data_preprocessor(dict(inputs=gt.to(inputs.device)),
                                      False)['inputs']

    @staticmethod
    def _paired(data_samples: List[DataSample],
                device: torch.device) -> torch.Tensor:
        return torch.tensor(
            [bool(s.metainfo.get('paired', True)) for s in data_samples],
            device=device)

    @staticmethod
    def _same_identity_partner(labels: torch.Tensor) -> torch.Tensor:
        """For each sample another one of its identity, or -1."""
        same = labels[:, None] == labels[None, :]
        same.fill_diagonal_(False)
        return torch.where(
            same.any(1),
            same.float().argmax(1),
            torch.full_like(labels, -1))

    def _identity(self, images: torch.Tensor) -> torch.Tensor:
        return self.backbone(images)[-1]

    # ------------------------------------------------------------------
    # losses
    def _weighted(self, name: str) -> bool:
        return self.loss_weights[name] > 0

    def generator_loss(
            self, inputs: torch.Tensor,
            data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        """The losses of the trained encoders / decoder of the stage."""
        w = self.loss_weights
        hr = self._gt_images(inputs, data_samples)
        losses = {}
        if int(self.stage) == 0:
            losses['loss_cls'] = self.head.loss((self._identity(hr), ),
                                                data_samples)['loss']
            return losses
        if int(self.stage) == 1:
            with torch.no_grad():
                f_z = self._identity(hr)
            f_n = self.non_identity_encoder(hr)
            rec = self.decoder(f_z, f_n)
            losses['loss_pixel'] = w['pixel'] * self.pixel_loss(rec, hr)
            if self._weighted('identity'):
                losses['loss_identity'] = w['identity'] * self.identity_loss(
                    self._identity(rec), f_z)
            if self._weighted('image_adversarial'):
                losses['loss_image_adv'] = w['image_adversarial'] * \
                    self.adversarial_loss(self.image_discriminator(rec), True)
            if self.swap_features and self._weighted('swap'):
                labels = torch.cat([s.gt_label for s in data_samples]).to(
                    inputs.device)
                partner = self._same_identity_partner(labels)
                has = partner >= 0
                if bool(has.any()):
                    swapped = self.decoder(f_z[partner[has]], f_n[has])
                    losses['loss_swap'] = w['swap'] * self.pixel_loss(
                        swapped, hr[has])
            return losses
        with torch.no_grad():
            f_hr = self._identity(hr)
        f_lr = self.lr_backbone(inputs)[-1]
        paired = self._paired(data_samples, inputs.device)
        if self._weighted('feature') and bool(paired.any()):
            losses['loss_feature'] = w['feature'] * self.feature_loss(
                f_lr[paired], f_hr[paired])
        if self._weighted('feature_adversarial'):
            losses['loss_feature_adv'] = w['feature_adversarial'] * \
                self.adversarial_loss(self.feature_discriminator(f_lr), True)
        if self.with_head and self._weighted('classification'):
            losses['loss_cls'] = w['classification'] * self.head.loss(
                (f_lr, ), data_samples)['loss']
        if self._weighted('normalized_pixel') and bool(paired.any()):
            normalized = self.decoder(f_lr, self.non_identity_encoder(inputs))
            losses['loss_normalized_pixel'] = w['normalized_pixel'] * \
                self.pixel_loss(normalized[paired], hr[paired])
        return losses

    def discriminator_loss(
            self, inputs: torch.Tensor,
            data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        """Real vs generated, for the discriminator of the stage."""
        hr = self._gt_images(inputs, data_samples)
        with torch.no_grad():
            if int(self.stage) == 1:
                real = hr
                fake = self.decoder(
                    self._identity(hr), self.non_identity_encoder(hr))
                disc = self.image_discriminator
            else:
                real = self._identity(hr)
                fake = self.lr_backbone(inputs)[-1]
                disc = self.feature_discriminator
        name = 'image' if int(self.stage) == 1 else 'feature'
        return {
            f'loss_{name}_disc_real': self.adversarial_loss(disc(real), True),
            f'loss_{name}_disc_fake': self.adversarial_loss(disc(fake), False)
        }

    def _discriminator_active(self) -> bool:
        if int(self.stage) == 0:
            return False
        name = 'image_adversarial' if int(self.stage) == 1 else \
            'feature_adversarial'
        return self._weighted(name)

    def loss(self, inputs: torch.Tensor,
             data_samples: List[DataSample]) -> Dict[str, torch.Tensor]:
        """The generator losses of the current stage."""
        return self.generator_loss(inputs, data_samples)

    def train_step(self, data: dict,
                   optim_wrapper: OptimWrapperDict) -> Dict[str, torch.Tensor]:
        """One discriminator update, then one generator update.

        Args:
            data (dict): A batch from the dataloader.
            optim_wrapper (OptimWrapperDict): With ``generator`` and
                ``discriminator``.

        Returns:
            Dict[str, torch.Tensor]: The logged losses.
        """
        if not isinstance(optim_wrapper, OptimWrapperDict) or set(
                optim_wrapper.keys()) != {'generator', 'discriminator'}:
            raise TypeError(
                'FAN.train_step needs an OptimWrapperDict with the keys '
                "'generator' and 'discriminator' (optim_wrapper="
                "dict(constructor='SubmoduleOptimWrapperConstructor', "
                'generator=..., discriminator=...))')
        self._check_optimized(optim_wrapper)
        data = self.data_preprocessor(data, True)
        inputs, samples = data['inputs'], data['data_samples']
        log_vars = {}
        if self._discriminator_active():
            disc_wrapper = optim_wrapper['discriminator']
            with disc_wrapper.optim_context(self):
                losses = self.discriminator_loss(inputs, samples)
            loss, disc_log = self.parse_losses(losses)
            disc_wrapper.update_params(loss)
            log_vars.update(
                {k: v for k, v in disc_log.items() if k != 'loss'})
        gen_wrapper = optim_wrapper['generator']
        with gen_wrapper.optim_context(self), _frozen(
                self.image_discriminator, self.feature_discriminator):
            losses = self.generator_loss(inputs, samples)
        loss, gen_log = self.parse_losses(losses)
        gen_wrapper.update_params(loss)
        log_vars.update(gen_log)
        return log_vars

    def _check_optimized(self, optim_wrapper: OptimWrapperDict) -> None:
        """Every module trained in the stage is in an optimizer."""
        optimized = {
            id(p)
            for wrapper in optim_wrapper.values()
            for group in wrapper.optimizer.param_groups
            for p in group['params']
        }
        for name, module in self.named_children():
            if module in self._trainable(int(self.stage)) and any(
                    id(p) not in optimized for p in module.parameters()):
                raise ValueError(
                    f'FAN: stage {int(self.stage)} trains {name!r} but no '
                    'optimizer holds its parameters; add it to the modules '
                    'of optim_wrapper.generator or .discriminator')

    # ------------------------------------------------------------------
    # prediction
    def extract_feat(self, inputs: torch.Tensor, stage: str = 'neck'):
        """The embedding of the LR encoder once initialised, else of the
        identity encoder, as a one-item tuple."""
        encoder = self.lr_backbone if bool(self.lr_initialized) \
            else self.backbone
        return encoder(inputs)

    def predict(self,
                inputs: torch.Tensor,
                data_samples: Optional[List[DataSample]] = None,
                **kwargs) -> List[DataSample]:
        """``pred_feat`` and, with ``test_cfg.with_image``, ``pred_img``."""
        data_samples = super().predict(inputs, data_samples)
        if self.with_image:
            images = self.normalize_faces(inputs)
            for sample, image in zip(data_samples, images):
                sample.set_field(image, 'pred_img', field_type='data')
        return data_samples

    def normalize_faces(self, inputs: torch.Tensor) -> torch.Tensor:
        """Decoded (normalised) faces of a batch, RGB in [0, 255].

        Args:
            inputs (torch.Tensor): Normalised images ``(N, 3, H, W)``.

        Returns:
            torch.Tensor: ``(N, 3, H, W)``.
        """
        identity = self.extract_feat(inputs)[-1]
        faces = self.decoder(identity, self.non_identity_encoder(inputs))
        return ((faces + 1) * 127.5).clamp(0, 255)
