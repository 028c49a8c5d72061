"""A tiny face-recognition run for the Partial FC runner tests."""
import os.path as osp

import torch
import torch.nn as nn
from mmengine.dist import get_rank
from mmengine.hooks import Hook
from mmengine.model import is_model_wrapper
from mmpretrain.registry import DATASETS, HOOKS, MODELS
from mmpretrain.structures import DataSample
from torch.utils.data import Dataset


@MODELS.register_module(force=True)
class ToyEmbedder(nn.Module):
    """Conv, global pooling and a linear layer: ``(N, 3, H, W)`` to
    ``(N, D)``, returned as a one-tuple like a backbone."""

    def __init__(self, embedding_size: int = 16):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.fc = nn.Linear(8, embedding_size)

    def forward(self, x):
        return (self.fc(self.conv(x).relu().mean((2, 3))), )


@DATASETS.register_module(force=True)
class ToyFaceDataset(Dataset):
    """``num_samples`` 3x8x8 images of ``num_classes`` identities, each
    identity a colour plus index-seeded noise."""

    def __init__(self, num_samples: int = 48, num_classes: int = 7,
                 pipeline=None):
        self.num_samples, self.num_classes = num_samples, num_classes
        self.metainfo = dict(classes=[str(i) for i in range(num_classes)])

    def __len__(self):
        return self.num_samples

    def __getitem__(self, index):
        label = index % self.num_classes
        generator = torch.Generator().manual_seed(index)
        colour = torch.linspace(0, 1, 3) * label / self.num_classes
        img = colour.view(3, 1, 1) + 0.1 * torch.rand(
            3, 8, 8, generator=generator)
        return dict(
            inputs=(img * 255).to(torch.uint8),
            data_samples=DataSample().set_gt_label(label))


@HOOKS.register_module(force=True)
class DumpPartialFCHook(Hook):
    """After training, save this rank's model state to
    ``work_dir/rank<r>_state.pth``."""

    def after_train(self, runner):
        model = runner.model.module if is_model_wrapper(
            runner.model) else runner.model
        torch.save({k: v.detach().clone()
                    for k, v in model.state_dict().items()
                    if isinstance(v, torch.Tensor)},
                   osp.join(runner.work_dir, f'rank{get_rank()}_state.pth'))
