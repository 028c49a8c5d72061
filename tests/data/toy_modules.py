"""Tiny model, dataset, metric and hook for tests of the tools and shims.

Registered in mmext's own scope (:mod:`mmext.registry`), so the configs that
use them also test that a ``default_scope='mmext'`` config runs through the
mmengine runner.
"""
import os
import os.path as osp

import torch
from mmengine.dist import get_rank
from mmengine.evaluator import BaseMetric
from mmengine.hooks import Hook
from mmengine.model import BaseModel
from torch.utils.data import Dataset

from mmext.registry import DATASETS, HOOKS, METRICS, MODELS


@MODELS.register_module(force=True)
class ToyRegressor(BaseModel):
    """y = w x + b, trained with the squared error."""

    def __init__(self, in_channels: int = 2, data_preprocessor=None):
        super().__init__(data_preprocessor=data_preprocessor)
        self.linear = torch.nn.Linear(in_channels, 1)

    def forward(self, inputs, targets, mode='tensor'):
        inputs = torch.stack(inputs) if isinstance(inputs, list) else inputs
        targets = torch.stack(targets) if isinstance(targets,
                                                     list) else targets
        pred = self.linear(inputs).squeeze(-1)
        if mode == 'loss':
            return dict(loss=((pred - targets)**2).mean())
        if mode == 'predict':
            return [dict(pred=p, target=t) for p, t in zip(pred, targets)]
        return pred


@DATASETS.register_module(force=True)
class ToyRegressionDataset(Dataset):
    """Deterministic samples of y = 3 x0 - 2 x1 + 1."""

    def __init__(self, num_samples: int = 32, pipeline=None):
        gen = torch.Generator().manual_seed(0)
        self.x = torch.randn(num_samples, 2, generator=gen)
        self.y = 3 * self.x[:, 0] - 2 * self.x[:, 1] + 1
        self.metainfo = dict(name='toy')

    def __len__(self):
        return len(self.x)

    def __getitem__(self, index):
        return dict(inputs=self.x[index], targets=self.y[index])


@METRICS.register_module(force=True)
class ToyMSE(BaseMetric):
    """Mean squared error of the toy regressor."""

    def process(self, data_batch, data_samples):
        for sample in data_samples:
            self.results.append(float((sample['pred'] - sample['target'])**2))

    def compute_metrics(self, results):
        return dict(mse=sum(results) / len(results))


def prepare_toy_data(data_root: str) -> None:
    """The toy dataset is generated in memory: only its folder is made."""
    os.makedirs(data_root, exist_ok=True)


@HOOKS.register_module(force=True)
class DumpRankWeightsHook(Hook):
    """Save each rank's final weights to ``work_dir/rank{r}_weights.pth``."""

    def after_train(self, runner):
        model = runner.model.module if hasattr(runner.model,
                                               'module') else runner.model
        torch.save(model.state_dict(),
                   osp.join(runner.work_dir, f'rank{get_rank()}_weights.pth'))
