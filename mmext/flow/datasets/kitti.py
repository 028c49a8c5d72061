"""KITTI 2012 / 2015 optical flow and the 2015 multi-view extension."""
import glob
import os.path as osp
import re
from typing import List, Sequence

from mmext.registry import DATASETS
from .base_flow_dataset import BaseFlowDataset


@DATASETS.register_module()
class KITTIFlowDataset(BaseFlowDataset):
    """KITTI flow: the pairs ``%06d_10.png -> %06d_11.png``.

    Layout::

        data_root/<split>/<img_dir>/%06d_10.png, %06d_11.png
        data_root/training/flow_occ/%06d_10.png  (all pixels with GT)
        data_root/training/flow_noc/%06d_10.png  (non-occluded ones)

    ``img_dir`` is ``image_2`` for KITTI 2015 and ``colored_0`` for KITTI
    2012.  ``flow_noc`` gives the EPE_noc / EPE_occ split.

    Args:
        data_root (str): the KITTI 2012 or 2015 root.
        img_dir (str): Default 'image_2'.
        split (str): 'training' or 'testing'. Default 'training'.
        with_gt (bool): attach the flow paths (training). Default True.
        subset (str): name for the metrics, e.g. 'kitti2015'. Default
            'kitti'.
        **kwargs: for :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 data_root: str,
                 img_dir: str = 'image_2',
                 split: str = 'training',
                 with_gt: bool = True,
                 subset: str = 'kitti',
                 **kwargs) -> None:
        self.img_dir = img_dir
        self.split = split
        self.with_gt = with_gt and split == 'training'
        self.subset = subset
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        root = osp.join(self.data_root, self.split)
        img_dir = self._check_dir(osp.join(root, self.img_dir))
        data_list = []
        for f1 in sorted(glob.glob(osp.join(img_dir, '*_10.png'))):
            name = osp.basename(f1)
            f2 = f1[:-len('10.png')] + '11.png'
            info = dict(
                img_paths=[f1, f2], subset=self.subset, frame=name[:-4])
            if self.with_gt:
                info.update(
                    flow_path=osp.join(root, 'flow_occ', name),
                    noc_path=osp.join(root, 'flow_noc', name))
            data_list.append(info)
        return self._non_empty(data_list)


@DATASETS.register_module()
class KITTIMultiViewDataset(BaseFlowDataset):
    """The KITTI 2015 multi-view extension (``KITTI_MV`` of ARFlow).

    Layout: ``data_root/<split>/<cam>/%06d_%02d.png`` with 21 frames (00-20)
    per sequence.  Samples are consecutive frames of a sequence; those that
    touch ``exclude_frames`` (09-12 by default, so the evaluation pair
    10 -> 11 is never trained on) are left out.  No ground truth.

    Args:
        data_root (str): root of ``data_scene_flow_multiview``.
        splits (Sequence[str]): Default ('training', 'testing').
        cams (Sequence[str]): Default ('image_2', 'image_3').
        num_frames (int): frames per sample. Default 2.
        exclude_frames (Sequence[int]): Default (9, 10, 11, 12).
        **kwargs: for :class:`mmengine.dataset.BaseDataset`.
    """

    _NAME = re.compile(r'(\d+)_(\d+)\.png$')

    def __init__(self,
                 data_root: str,
                 splits: Sequence[str] = ('training', 'testing'),
                 cams: Sequence[str] = ('image_2', 'image_3'),
                 num_frames: int = 2,
                 exclude_frames: Sequence[int] = (9, 10, 11, 12),
                 **kwargs) -> None:
        self.splits = list(splits)
        self.cams = list(cams)
        self.num_frames = num_frames
        self.exclude_frames = set(exclude_frames)
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        data_list = []
        for split in self.splits:
            for cam in self.cams:
                folder = self._check_dir(osp.join(self.data_root, split, cam))
                seqs = {}
                for path in sorted(glob.glob(osp.join(folder, '*.png'))):
                    match = self._NAME.search(path)
                    if match:
                        seqs.setdefault(match.group(1),
                                        {})[int(match.group(2))] = path
                for frames in seqs.values():
                    for start in sorted(frames):
                        ids = range(start, start + self.num_frames)
                        if all(i in frames
                               for i in ids) and not (set(ids)
                                                      & self.exclude_frames):
                            data_list.append(
                                dict(img_paths=[frames[i] for i in ids]))
        return self._non_empty(data_list)


@DATASETS.register_module()
class KITTIRawDataset(BaseFlowDataset):
    """KITTI raw sequences from a list file (ARFlow's
    ``kitti_train_2f_sv.txt``): one sample per line, the frame paths
    (relative to ``data_root``) separated by spaces.  No ground truth.

    Args:
        data_root (str): the KITTI raw root (``2011_09_26/...``).
        list_file (str): the sample list.
        num_frames (int): frames expected per line. Default 2.
        **kwargs: for :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self,
                 data_root: str,
                 list_file: str,
                 num_frames: int = 2,
                 **kwargs) -> None:
        self.list_file = list_file
        self.num_frames = num_frames
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        if not osp.isfile(self.list_file):
            raise FileNotFoundError(f'KITTIRawDataset: {self.list_file} '
                                    'not found')
        data_list = []
        with open(self.list_file) as f:
            for number, line in enumerate(f, 1):
                paths = line.split()
                if not paths:
                    continue
                if len(paths) < self.num_frames:
                    raise ValueError(f'{self.list_file}:{number}: '
                                     f'{len(paths)} frames, '
                                     f'{self.num_frames} expected')
                data_list.append(
                    dict(img_paths=[
                        osp.join(self.data_root, p)
                        for p in paths[:self.num_frames]
                    ]))
        return self._non_empty(data_list)
