import os.path as osp
from typing import List, Optional, Sequence

import numpy as np
from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class IJBDataset(BaseDataset):
    """IJB-B / IJB-C images for the 1:1 template verification protocol.

    Reads insightface's ``IJB_release`` layout::

        data_root/                       # e.g. IJB_release/IJBC
        ├── loose_crop/                  # the images
        └── meta/
            ├── ijbc_face_tid_mid.txt    # "image template_id media_id"
            ├── ijbc_name_5pts_score.txt # "image x1 y1 ... x5 y5 score"
            └── ijbc_template_pair_label.txt  # "t1 t2 label" (the metric)

    The two image lists are line-aligned. Each sample is ``img_path``,
    ``landmarks`` (``(5, 2)``, for ``FaceAlign5Points``),
    ``faceness_score`` (the detector score), ``template_id`` and
    ``media_id``; pack the last three with ``PackInputs(meta_keys=...)`` for
    :class:`IJBTemplateMetric`.

    Args:
        data_root (str): The IJB-B or IJB-C folder.
        name (str): The meta file prefix, ``'ijbb'`` or ``'ijbc'``.
            Defaults to ``'ijbc'``.
        meta_prefix (str): The meta folder. Defaults to ``'meta'``.
        img_prefix (str): The image folder. Defaults to ``'loose_crop'``.
        pipeline (Sequence): The data pipeline. Defaults to ().
        test_mode (bool): Defaults to True.
        lazy_init (bool): Whether to defer loading. Defaults to False.
        metainfo (dict, optional): Meta information. Defaults to None.

    Raises:
        FileNotFoundError: If a meta file is missing.
        ValueError: If a meta line is malformed or the two lists disagree
            (the message names the file and line).
    """

    def __init__(self,
                 data_root: str,
                 name: str = 'ijbc',
                 meta_prefix: str = 'meta',
                 img_prefix: str = 'loose_crop',
                 pipeline: Sequence = (),
                 test_mode: bool = True,
                 lazy_init: bool = False,
                 metainfo: Optional[dict] = None):
        self.name = name
        self.meta_prefix = meta_prefix
        super().__init__(
            ann_file='',
            metainfo=metainfo,
            data_root=data_root,
            data_prefix=img_prefix,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init)

    def meta_file(self, suffix: str) -> str:
        """Path of the meta file ``<name>_<suffix>.txt``."""
        return osp.join(self.data_root, self.meta_prefix,
                        f'{self.name}_{suffix}.txt')

    def _read_table(self, suffix: str, num_fields: int) -> List[List[str]]:
        path = self.meta_file(suffix)
        if not osp.isfile(path):
            raise FileNotFoundError(f'IJB meta file not found: {path}')
        rows = []
        with open(path) as f:
            for line_no, line in enumerate(f, 1):
                fields = line.split()
                if not fields:
                    continue
                if len(fields) != num_fields:
                    raise ValueError(f'{path}:{line_no}: expected '
                                     f'{num_fields} fields, got {len(fields)}')
                rows.append(fields)
        return rows

    def load_data_list(self) -> List[dict]:
        """Join the template/media list and the landmark list."""
        tid_mid = self._read_table('face_tid_mid', 3)
        points = self._read_table('name_5pts_score', 12)
        if len(tid_mid) != len(points):
            raise ValueError(
                f"{self.meta_file('face_tid_mid')} has {len(tid_mid)} images "
                f"but {self.meta_file('name_5pts_score')} has {len(points)}")
        data_list = []
        for line_no, (ids, pts) in enumerate(zip(tid_mid, points), 1):
            if ids[0] != pts[0]:
                raise ValueError(
                    f"line {line_no}: {self.meta_file('face_tid_mid')} names "
                    f"{ids[0]} but {self.meta_file('name_5pts_score')} names "
                    f'{pts[0]}')
            data_list.append(
                dict(
                    img_path=osp.join(self.img_prefix, ids[0]),
                    template_id=int(ids[1]),
                    media_id=int(ids[2]),
                    landmarks=np.asarray(pts[1:11], np.float32).reshape(5, 2),
                    faceness_score=float(pts[11])))
        return data_list
