"""MPI Sintel: the flow benchmark and the raw movie frames."""
import glob
import os
import os.path as osp
from typing import List, Optional, Sequence, Union

from mmext.registry import DATASETS
from .base_flow_dataset import BaseFlowDataset


@DATASETS.register_module()
class SintelDataset(BaseFlowDataset):
    """MPI Sintel, ``training`` or ``test`` split, clean and/or final pass.

    Layout (as distributed)::

        data_root/training/{clean,final}/<scene>/frame_%04d.png
        data_root/training/flow/<scene>/frame_%04d.flo
        data_root/training/occlusions/<scene>/frame_%04d.png  (255 = occ.)
        data_root/training/invalid/<scene>/frame_%04d.png     (255 = inv.)
        data_root/test/{clean,final}/<scene>/frame_%04d.png

    Every pair of consecutive frames is a sample; ``subset`` in the sample
    (the pass name) lets the metrics report each pass.

    Args:
        data_root (str): the Sintel root.
        passes (str | Sequence[str]): 'clean', 'final' or both (ARFlow's
            ``sintel_ft`` trains on both). Default 'clean'.
        split (str): 'training' or 'test'. Default 'training'.
        with_gt (bool): attach flow / occlusion / invalid paths (training
            only). Default True.
        scenes (Sequence[str], optional): keep only these scenes.
        **kwargs: for :class:`mmengine.dataset.BaseDataset` (pipeline,
            test_mode, indices ...).
    """

    def __init__(self,
                 data_root: str,
                 passes: Union[str, Sequence[str]] = 'clean',
                 split: str = 'training',
                 with_gt: bool = True,
                 scenes: Optional[Sequence[str]] = None,
                 **kwargs) -> None:
        self.passes = [passes] if isinstance(passes, str) else list(passes)
        for p in self.passes:
            if p not in ('clean', 'final'):
                raise ValueError(f'SintelDataset: unknown pass "{p}"')
        if split not in ('training', 'test'):
            raise ValueError(f'SintelDataset: unknown split "{split}"')
        self.split = split
        self.with_gt = with_gt and split == 'training'
        self.scenes = list(scenes) if scenes else None
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        root = osp.join(self.data_root, self.split)
        data_list = []
        for pass_name in self.passes:
            pass_dir = self._check_dir(osp.join(root, pass_name))
            scenes = self.scenes or sorted(
                d for d in os.listdir(pass_dir)
                if osp.isdir(osp.join(pass_dir, d)))
            for scene in scenes:
                frames = self._consecutive_frames(
                    osp.join(pass_dir, scene))
                for f1, f2 in zip(frames[:-1], frames[1:]):
                    name = osp.splitext(osp.basename(f1))[0]
                    info = dict(
                        img_paths=[f1, f2],
                        subset=pass_name,
                        scene=scene,
                        frame=name)
                    if self.with_gt:
                        info.update(
                            flow_path=osp.join(root, 'flow', scene,
                                               name + '.flo'),
                            occ_path=osp.join(root, 'occlusions', scene,
                                              name + '.png'),
                            invalid_path=osp.join(root, 'invalid', scene,
                                                  name + '.png'))
                    data_list.append(info)
        return self._non_empty(data_list)

    @staticmethod
    def _consecutive_frames(scene_dir: str) -> List[str]:
        """The ``frame_%04d.png`` of a scene, refusing a gap: a missing
        frame would pair its neighbours under the wrong ground truth."""
        frames = sorted(glob.glob(osp.join(scene_dir, 'frame_*.png')))
        numbers = []
        for path in frames:
            stem = osp.splitext(osp.basename(path))[0][len('frame_'):]
            if not stem.isdigit():
                raise ValueError(f'SintelDataset: {path} is not named '
                                 'frame_%04d.png')
            numbers.append(int(stem))
        for prev, cur in zip(numbers[:-1], numbers[1:]):
            if cur != prev + 1:
                raise FileNotFoundError(
                    f'SintelDataset: {scene_dir} has frame_{prev:04d}.png '
                    f'and frame_{cur:04d}.png but not frame_'
                    f'{prev + 1:04d}.png')
        return frames


@DATASETS.register_module()
class SintelRawDataset(BaseFlowDataset):
    """The raw frames of the Sintel movie, split into shots (ARFlow's
    unsupervised pre-training data, ``SintelRaw``).

    Layout: ``data_root/<shot>/*.png``; every run of ``num_frames``
    consecutive frames of a shot is a sample (no ground truth).

    Args:
        data_root (str): folder of shot folders.
        num_frames (int): frames per sample. Default 2.
        **kwargs: for :class:`mmengine.dataset.BaseDataset`.
    """

    def __init__(self, data_root: str, num_frames: int = 2, **kwargs) -> None:
        self.num_frames = num_frames
        super().__init__(data_root=data_root, **kwargs)

    def load_data_list(self) -> List[dict]:
        root = self._check_dir(self.data_root)
        data_list = []
        for shot in sorted(os.listdir(root)):
            frames = sorted(glob.glob(osp.join(root, shot, '*.png')))
            for start in range(len(frames) - self.num_frames + 1):
                data_list.append(
                    dict(
                        img_paths=frames[start:start + self.num_frames],
                        scene=shot))
        return self._non_empty(data_list)
