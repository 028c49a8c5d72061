"""Long untrimmed videos (THUMOS14) as fixed-length windows of features."""
from typing import List

from mmaction.registry import DATASETS

from .resampled_activitynet_dataset import ResampledActivityNetDataset


@DATASETS.register_module()
class SlidingWindowFeatureDataset(ResampledActivityNetDataset):
    """Sliding windows over per-video snippet features (THUMOS14).

    The on-disk format is mmaction2's ActivityNet feature format, with the
    features at their extraction rate instead of rescaled to 100 snippets:
    an annotation JSON keyed by video name with ``duration_second``,
    ``duration_frame``, ``fps``, ``feature_frame`` (frames covered by the
    features: snippets x ``snippet_interval``) and ``annotations``
    (``segment`` in seconds, ``label``), and one CSV per video under
    ``data_prefix['video']`` with a header row and one row per snippet.

    Each video becomes windows of ``window_size`` snippets, one every
    ``window_stride`` snippets, the last one aligned with the end of the
    features.  A window's ``window_annotations`` are the ground truths
    entirely inside it; in training, windows without one are dropped, in
    test mode all are kept.  :class:`CropFeatureWindow` cuts the window out
    of the loaded features, and :class:`SlidingWindowARMetric` merges the
    predictions of the windows of each video.

    Args:
        ann_file (str): Annotation file.
        pipeline (list[dict | callable]): Data transforms; usually
            ``LoadLocalizationFeature``, ``CropFeatureWindow`` and
            ``PackLocalizationInputs``.
        window_size (int): Snippets per window. Defaults to 128.
        window_stride (int): Snippets between window starts.
            Defaults to 64.
        snippet_interval (int): Frames per feature snippet. Defaults to 5.
        **kwargs: Other arguments of :class:`ResampledActivityNetDataset`
            (``data_prefix``, ``test_mode``, resampling by the mean relative
            ground-truth length of a window).
    """

    def __init__(self,
                 ann_file: str,
                 pipeline: list,
                 window_size: int = 128,
                 window_stride: int = 64,
                 snippet_interval: int = 5,
                 **kwargs) -> None:
        if min(window_size, window_stride, snippet_interval) <= 0:
            raise ValueError('SlidingWindowFeatureDataset: window_size, '
                             'window_stride and snippet_interval must be '
                             f'positive, got {window_size}, {window_stride}, '
                             f'{snippet_interval}')
        self.window_size = window_size
        self.window_stride = window_stride
        self.snippet_interval = snippet_interval
        super().__init__(ann_file, pipeline, **kwargs)

    def window_starts(self, num_snippets: int) -> List[int]:
        """First snippet of each window of a video.

        Args:
            num_snippets (int): Snippets of the video.

        Returns:
            list[int]: Window starts, the last window ending with the video
            (a video shorter than a window has one window, starting at 0).
        """
        last = max(num_snippets - self.window_size, 0)
        return list(range(0, last, self.window_stride)) + [last]

    def load_data_list(self) -> List[dict]:
        """Split every video into windows."""
        windows = []
        for info in super().load_data_list():
            if not info.get('fps'):
                raise KeyError(f'{self.ann_file}: video '
                               f'{info["video_name"]!r} lacks a positive fps')
            snippet_second = self.snippet_interval / info['fps']
            num_snippets = info['feature_frame'] // self.snippet_interval
            for start in self.window_starts(num_snippets):
                begin = start * snippet_second
                end = begin + self.window_size * snippet_second
                inside = [
                    ann for ann in info['annotations']
                    if begin <= ann['segment'][0] and ann['segment'][1] <= end
                ]
                if inside or self.test_mode:
                    windows.append(
                        dict(
                            info,
                            window_start=start,
                            window_size=self.window_size,
                            snippet_interval=self.snippet_interval,
                            window_offset=begin,
                            window_annotations=inside))
        return windows

    def mean_relative_length(self, info: dict) -> float:
        """Mean length of a window's ground truths over the window length.

        Args:
            info (dict): A window entry.

        Returns:
            float: In [0, 1]; 0 for a window without ground truths.
        """
        anns = info['window_annotations']
        if not anns:
            return 0.
        window_second = self.window_size * self.snippet_interval / info['fps']
        return sum(a['segment'][1] - a['segment'][0]
                   for a in anns) / len(anns) / window_second
