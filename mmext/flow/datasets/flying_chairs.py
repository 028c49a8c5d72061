"""FlyingChairs (Dosovitskiy et al.): synthetic pairs with dense flow."""
import glob
import os.path as osp
from typing import List, Optional

import numpy as np

from mmext.registry import DATASETS
from .base_flow_dataset import BaseFlowDataset


@DATASETS.register_module()
class FlyingChairsDataset(BaseFlowDataset):
    """FlyingChairs: ``data_root/data/%05d_img1.ppm``, ``_img2.ppm``,
    ``_flow.flo``.

    The official ``FlyingChairs_train_val.txt`` holds one line per pair,
    1 = train, 2 = validation.

    Args:
        data_root (str): the dataset root (holding ``data/``).
        split_file (str, optional): path of ``FlyingChairs_train_val.txt``;
            without it every pair is used.
        split (str): 'train' or 'val'. Default 'train'.
        **kwargs: for :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 data_root: str,
                 split_file: Optional[str] = None,
                 split: str = 'train',
                 **kwargs) -> None:
        if split not in ('train', 'val'):
            raise ValueError(f'FlyingChairsDataset: unknown split "{split}"')
        self.split_file = split_file
        self.split = split
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        folder = self._check_dir(osp.join(self.data_root, 'data'))
        flows = sorted(glob.glob(osp.join(folder, '*_flow.flo')))
        if self.split_file is not None:
            labels = np.loadtxt(self.split_file, dtype=np.int64, ndmin=1)
            if len(labels) != len(flows):
                raise ValueError(f'{self.split_file}: {len(labels)} lines for '
                                 f'{len(flows)} pairs in {folder}')
            keep = labels == (1 if self.split == 'train' else 2)
            flows = [f for f, k in zip(flows, keep) if k]
        data_list = []
        for flow in flows:
            stem = flow[:-len('flow.flo')]
            data_list.append(
                dict(
                    img_paths=[stem + 'img1.ppm', stem + 'img2.ppm'],
                    flow_path=flow,
                    subset='chairs'))
        return self._non_empty(data_list)
