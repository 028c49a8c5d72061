"""mmaction2's ActivityNetDataset with DBG's training-set resampling."""
import json
from typing import List, Optional

from mmaction.datasets import ActivityNetDataset
from mmaction.registry import DATASETS

_REQUIRED_KEYS = ('duration_second', 'duration_frame', 'feature_frame',
                  'annotations')


@DATASETS.register_module()
class ResampledActivityNetDataset(ActivityNetDataset):
    """ActivityNet features with validated annotations and resampling.

    Reads mmaction2's annotation files (``anet_anno_{train,val}.json``) with
    mmaction2's :class:`ActivityNetDataset` and adds:

    - validation: each video must have the keys mmaction2's
      ``GenerateLocalizationLabels`` and ``ANetMetric`` read, and segments
      ``[start, end]`` with ``start <= end``; errors name the file and video;
    - DBG's training-set resampling (not in test mode), on each video's mean
      ground-truth length as a fraction of the featured video
      (``feature_frame / duration_frame * duration_second``): videos whose
      mean is at least ``drop_mean_length_above`` are dropped (nearly
      everything is action), and those whose mean is below
      ``repeat_mean_length_below`` appear twice (oversampling short
      actions).

    Args:
        ann_file (str): Annotation file.
        pipeline (list[dict | callable]): Data transforms.
        drop_mean_length_above (float, optional): Drop training videos with a
            mean relative action length >= this; None keeps all. DBG: 0.98.
        repeat_mean_length_below (float, optional): Repeat training videos
            with a mean relative action length < this; None repeats none.
            DBG: 0.2.
        **kwargs: Other arguments of :class:`ActivityNetDataset`
            (``data_prefix``, ``test_mode``, ...).
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: list,
                 drop_mean_length_above: Optional[float] = None,
                 repeat_mean_length_below: Optional[float] = None,
                 **kwargs) -> None:
        self.drop_mean_length_above = drop_mean_length_above
        self.repeat_mean_length_below = repeat_mean_length_below
        super().__init__(ann_file, pipeline, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Load and validate the annotations."""
        try:
            data_list = super().load_data_list()
        except json.JSONDecodeError as err:
            raise ValueError(
                f'{self.ann_file}:{err.lineno}: not valid JSON ({err.msg}, '
                f'column {err.colno})') from None
        for info in data_list:
            where = f'{self.ann_file}: video {info["video_name"]!r}'
            missing = [k for k in _REQUIRED_KEYS if k not in info]
            if missing:
                raise KeyError(f'{where} lacks {missing}')
            if info['duration_frame'] <= 0 or info['duration_second'] <= 0:
                raise ValueError(f'{where} has a non-positive duration')
            for ann in info['annotations']:
                segment = ann.get('segment') if isinstance(ann, dict) else None
                if (segment is None or len(segment) != 2
                        or segment[0] > segment[1] or 'label' not in ann):
                    raise ValueError(
                        f'{where}: annotation {ann!r} is not '
                        '{"segment": [start, end], "label": ...} with '
                        'start <= end')
                if segment[0] < 0 or segment[1] > info['duration_second']:
                    raise ValueError(
                        f'{where}: segment {segment} lies outside the '
                        f'video (0 to {info["duration_second"]} s)')
        return data_list

    def prepare_data(self, idx: int):
        """The pipeline's output; its errors name the video and its
        feature file (numpy's csv reader names only the row)."""
        try:
            return super().prepare_data(idx)
        except ValueError as err:
            info = self.get_data_info(idx)
            raise ValueError(
                f'video {info["video_name"]!r} ({info["feature_path"]}): '
                f'{err}') from err

    def mean_relative_length(self, info: dict) -> float:
        """Mean ground-truth length over the featured video length.

        Args:
            info (dict): A video's annotation entry.

        Returns:
            float: In [0, 1]; 0 for a video without annotations.
        """
        if not info['annotations']:
            return 0.
        featured = (
            info['feature_frame'] / info['duration_frame'] *
            info['duration_second'])
        lengths = [
            min(ann['segment'][1] / featured, 1.) -
            max(min(ann['segment'][0] / featured, 1.), 0.)
            for ann in info['annotations']
        ]
        return max(sum(lengths) / len(lengths), 0.)

    def filter_data(self) -> List[dict]:
        """Drop and repeat training videos by mean action length."""
        data_list = super().filter_data()
        if self.test_mode:
            return data_list
        resampled = []
        for info in data_list:
            length = self.mean_relative_length(info)
            if (self.drop_mean_length_above is not None
                    and length >= self.drop_mean_length_above):
                continue
            resampled.append(info)
            if (self.repeat_mean_length_below is not None
                    and length < self.repeat_mean_length_below):
                resampled.append(info)
        return resampled
