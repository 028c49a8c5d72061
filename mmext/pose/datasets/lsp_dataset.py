"""Leeds Sports Pose (LSP) and LSP-extended in their original format."""
import logging
import os.path as osp
from typing import List, Tuple

import numpy as np
from mmengine.fileio import exists, get_local_path
from mmengine.logging import print_log
from mmpose.datasets.datasets.base import BaseCocoStyleDataset
from mmpose.registry import DATASETS
from scipy.io import loadmat

#: LSP's 14 joints in the order of ``joints.mat``.
LSP_KEYPOINTS = ('right_ankle', 'right_knee', 'right_hip', 'left_hip',
                 'left_knee', 'left_ankle', 'right_wrist', 'right_elbow',
                 'right_shoulder', 'left_shoulder', 'left_elbow', 'left_wrist',
                 'neck', 'head_top')

_UPPER = {
    'right_wrist', 'right_elbow', 'right_shoulder', 'left_shoulder',
    'left_elbow', 'left_wrist', 'neck', 'head_top'
}
_LINKS = (('right_ankle', 'right_knee'), ('right_knee', 'right_hip'),
          ('right_hip', 'left_hip'), ('left_hip', 'left_knee'), ('left_knee',
                                                                 'left_ankle'),
          ('right_hip', 'right_shoulder'), ('left_hip', 'left_shoulder'),
          ('right_wrist', 'right_elbow'), ('right_elbow', 'right_shoulder'),
          ('right_shoulder',
           'neck'), ('left_shoulder', 'neck'), ('left_shoulder', 'left_elbow'),
          ('left_elbow', 'left_wrist'), ('neck', 'head_top'))


def _swap(name: str) -> str:
    if name.startswith('left_'):
        return 'right_' + name[5:]
    if name.startswith('right_'):
        return 'left_' + name[6:]
    return ''


def _color(name: str) -> list:
    if name.startswith('left_'):
        return [0, 255, 0]
    if name.startswith('right_'):
        return [255, 128, 0]
    return [51, 153, 255]


#: mmpose metainfo of LSP (same structure as mmpose's
#: ``configs/_base_/datasets/*.py``).  ``sigmas`` are only used by OKS-based
#: code; LSP defines none, so the MPII value of each joint type is used.
LSP_METAINFO = dict(
    dataset_name='lsp',
    paper_info=dict(
        author='Johnson, Sam and Everingham, Mark',
        title='Clustered Pose and Nonlinear Appearance Models for Human '
        'Pose Estimation',
        container='BMVC',
        year='2010',
        homepage='http://sam.johnson.io/research/lsp.html'),
    keypoint_info={
        i:
        dict(
            name=name,
            id=i,
            color=_color(name),
            type='upper' if name in _UPPER else 'lower',
            swap=_swap(name))
        for i, name in enumerate(LSP_KEYPOINTS)
    },
    skeleton_info={
        i: dict(link=link, id=i, color=_color(link[0]))
        for i, link in enumerate(_LINKS)
    },
    joint_weights=[
        1.5, 1.2, 1., 1., 1.2, 1.5, 1.5, 1.2, 1., 1., 1.2, 1.5, 1., 1.
    ],
    sigmas=[
        0.089, 0.083, 0.107, 0.107, 0.083, 0.089, 0.062, 0.072, 0.079, 0.079,
        0.072, 0.062, 0.079, 0.026
    ])


@DATASETS.register_module()
class LspDataset(BaseCocoStyleDataset):
    """Leeds Sports Pose and LSP-extended, read from their own release.

    "Clustered Pose and Nonlinear Appearance Models for Human Pose
    Estimation", BMVC'2010 (LSP) and "Learning Effective Human Pose
    Estimation from Inaccurate Annotation", CVPR'2011 (LSP-extended).
    RANet (arXiv 1905.00996) reports PCK@0.2 on the LSP test set.

    On-disk layout (as downloaded)::

        lsp_dataset/joints.mat       # 'joints', 3 x 14 x 2000
        lsp_dataset/images/im0001.jpg ... im2000.jpg
        lspet_dataset/joints.mat     # 'joints', 14 x 3 x 10000
        lspet_dataset/images/im00001.jpg ... im10000.jpg

    LSP keypoints (``joints.mat`` order)::

        0 right_ankle  1 right_knee  2 right_hip  3 left_hip  4 left_knee
        5 left_ankle  6 right_wrist  7 right_elbow  8 right_shoulder
        9 left_shoulder  10 left_elbow  11 left_wrist  12 neck  13 head_top

    Joint coordinates are 1-based (MATLAB); they are converted to 0-based
    pixel coordinates here.  The standard protocol trains on LSP images
    1-1000 (``split='train'``) plus all of LSP-extended and tests on LSP
    images 1001-2000 (``split='test'``).

    Choices where the releases are ambiguous:

    * Visibility.  LSP annotates the position of every joint, occluded
      ones included, and its third row flags occlusion (1 = occluded, as
      used by most LSP training code); since the positions are annotated,
      every LSP joint gets ``keypoints_visible=1`` (like MPII's annotated
      occluded joints).  In LSP-extended the third column is 1 for a
      visible joint and 0 for an occluded one whose position is not
      reliable (the AMT annotations); those get ``keypoints_visible=0``.
      An image without any visible joint is skipped with a warning.
    * Person box.  The releases have none; it is the tight box of the
      joints with ``keypoints_visible=1`` (``GetBBoxCenterScale`` pads it,
      by 1.25 in the standard top-down pipeline).

    Args:
        ann_file (str): Path of ``joints.mat``.
        subset (str): ``'lsp'`` or ``'lspet'``: decides the array layout and
            the visibility flag of ``joints.mat``. Defaults to ``'lsp'``.
        split (str): ``'train'`` (images 1-1000 of LSP), ``'test'`` (images
            1001-2000 of LSP) or ``'all'``. LSP-extended accepts ``'train'``
            and ``'all'`` (both: every image). Defaults to ``'all'``.
        data_prefix (dict): ``dict(img='images/')``: the image folder.
        **kwargs: other arguments of
            :class:`mmpose.datasets.BaseCocoStyleDataset` (``data_root``,
            ``pipeline``, ``test_mode``, ``indices`` ...).
    """

    METAINFO: dict = LSP_METAINFO
    SPLITS = dict(
        lsp=dict(train=(0, 1000), test=(1000, 2000)),
        lspet=dict(train=(0, None)))

    def __init__(self,
                 ann_file: str = '',
                 subset: str = 'lsp',
                 split: str = 'all',
                 data_mode: str = 'topdown',
                 data_prefix: dict = dict(img='images/'),
                 **kwargs) -> None:
        if subset not in self.SPLITS:
            raise ValueError(f'LspDataset: subset must be one of '
                             f'{sorted(self.SPLITS)}, got {subset!r}')
        if split != 'all' and split not in self.SPLITS[subset]:
            raise ValueError(
                f'LspDataset: split must be "all" or one of '
                f'{sorted(self.SPLITS[subset])} for subset {subset!r}, got '
                f'{split!r}')
        if data_mode != 'topdown':
            raise ValueError('LspDataset: LSP has one annotated person per '
                             f'image; only data_mode="topdown" is '
                             f'supported, got {data_mode!r}')
        self.subset = subset
        self.split = split
        super().__init__(
            ann_file=ann_file,
            data_mode=data_mode,
            data_prefix=data_prefix,
            **kwargs)

    def read_joints(self) -> Tuple[np.ndarray, np.ndarray]:
        """Read ``joints.mat`` into 0-based coordinates and visibility.

        Returns:
            tuple[np.ndarray, np.ndarray]: keypoints (N, 14, 2) and
            keypoints_visible (N, 14) of every image of the file.
        """
        if not exists(self.ann_file):
            raise FileNotFoundError(
                f'LspDataset: annotation file {self.ann_file} does not exist')
        with get_local_path(self.ann_file) as local_path:
            mat = loadmat(local_path)
        if 'joints' not in mat:
            found = sorted(k for k in mat if not k.startswith('__'))
            raise KeyError(f'LspDataset: {self.ann_file} has no variable '
                           f'"joints" (found {found})')
        joints = np.asarray(mat['joints'], dtype=np.float32)
        expected = (3, 14) if self.subset == 'lsp' else (14, 3)
        if joints.ndim != 3 or joints.shape[:2] != expected:
            raise ValueError(
                f'LspDataset: "joints" in {self.ann_file} has shape '
                f'{joints.shape}; subset={self.subset!r} expects '
                f'{expected + ("N", )}')
        if self.subset == 'lsp':
            joints = joints.transpose(2, 1, 0)  # N, 14, 3
            visible = np.ones(joints.shape[:2], dtype=np.float32)
        else:
            joints = joints.transpose(2, 0, 1)
            visible = (joints[..., 2] > 0).astype(np.float32)
        return joints[..., :2] - 1, visible

    def image_name(self, index: int) -> str:
        """File name of image ``index`` (0-based) of the release."""
        digits = 4 if self.subset == 'lsp' else 5
        return f'im{index + 1:0{digits}d}.jpg'

    def _load_annotations(self) -> Tuple[List[dict], List[dict]]:
        """Load the joints of the chosen split as top-down instances."""
        keypoints, visible = self.read_joints()
        start, end = ((0, None) if self.split == 'all' else
                      self.SPLITS[self.subset][self.split])
        if end is not None and end > len(keypoints):
            raise ValueError(
                f'LspDataset: {self.ann_file} has {len(keypoints)} images, '
                f'split={self.split!r} needs {end}')
        indices = np.arange(len(keypoints))[start:end]
        vis = visible[indices] > 0
        pts = keypoints[indices]
        big = np.float32(1e9)
        x1y1 = np.where(vis[..., None], pts, big).min(axis=1)
        x2y2 = np.where(vis[..., None], pts, -big).max(axis=1)
        bboxes = np.concatenate([x1y1, x2y2], axis=1)  # N, 4

        instance_list, image_list, skipped = [], [], []
        for row, index in enumerate(indices):
            img_path = osp.join(self.data_prefix['img'],
                                self.image_name(int(index)))
            if not vis[row].any():
                skipped.append(img_path)
                continue
            bbox = bboxes[row:row + 1]
            instance_list.append(
                dict(
                    id=int(index),
                    img_id=int(index),
                    img_path=img_path,
                    bbox=bbox,
                    bbox_score=np.ones(1, dtype=np.float32),
                    keypoints=pts[row:row + 1],
                    keypoints_visible=visible[index:index + 1],
                    num_keypoints=int(vis[row].sum()),
                    area=np.prod(bbox[:, 2:] - bbox[:, :2],
                                 axis=1).astype(np.float32),
                    category_id=1))
            image_list.append(dict(img_id=int(index), img_path=img_path))
        if skipped:
            print_log(
                f'LspDataset: {len(skipped)} images of {self.ann_file} have '
                f'no visible joint, hence no person box, and are skipped: '
                f'{skipped[:5]}{" ..." if len(skipped) > 5 else ""}',
                logger='current',
                level=logging.WARNING)
        return instance_list, image_list
