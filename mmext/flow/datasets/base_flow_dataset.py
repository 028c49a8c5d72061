"""Common base of the flow datasets: file lists built by scanning."""
import os.path as osp
from typing import List

from mmengine.dataset import BaseDataset

from mmext.registry import TRANSFORMS


class BaseFlowDataset(BaseDataset):
    """A dataset whose samples are found on disk under ``data_root``.

    Subclasses implement :meth:`load_data_list`; every sample is a dict
    with ``img_paths`` (the frames, in order) and, when ground truth
    exists, ``flow_path`` and its mask paths, read by
    ``LoadFlowAnnotations``.  ``ann_file`` is unused (the layouts of the
    real datasets have none, apart from FlyingChairs' split file).
    """

    def __init__(self, data_root: str, **kwargs) -> None:
        kwargs.setdefault('serialize_data', False)
        # built in mmext's scope, so the dataset also works outside a runner
        kwargs['pipeline'] = [
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in kwargs.get('pipeline', [])
        ]
        super().__init__(ann_file='', data_root=data_root, **kwargs)

    def _check_dir(self, path: str) -> str:
        if not osp.isdir(path):
            raise FileNotFoundError(f'{type(self).__name__}: folder {path} '
                                    'does not exist')
        return path

    def _non_empty(self, data_list: List[dict]) -> List[dict]:
        if not data_list:
            raise FileNotFoundError(f'{type(self).__name__}: no samples '
                                    f'found under {self.data_root}')
        return data_list
