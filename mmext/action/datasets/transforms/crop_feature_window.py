"""Cut a sliding window out of a video's snippet features."""
import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform


@TRANSFORMS.register_module()
class CropFeatureWindow(BaseTransform):
    """Cut the window of :class:`SlidingWindowFeatureDataset` out.

    Required keys: ``raw_feature`` (C, N) from ``LoadLocalizationFeature``,
    ``window_start``, ``window_size``, ``snippet_interval``, ``fps``,
    ``duration_second``, ``window_annotations``.

    Modified keys: ``raw_feature`` becomes (C, window_size), zero-padded
    past the end of a short video; ``duration_second``, ``duration_frame``
    and ``feature_frame`` describe the window, so a localizer converts its
    normalised proposals to seconds within the window
    (``feature_extraction_interval`` must divide ``snippet_interval``).

    Added keys: ``video_duration_second`` (the video's duration) and
    ``gt_bbox`` (K, 2): the window's ground truths normalised to the window.
    """

    def transform(self, results: dict) -> dict:
        """Crop the features and express times relative to the window.

        Args:
            results (dict): The result dict of the pipeline.

        Returns:
            dict: The updated result dict.
        """
        feature = results['raw_feature']
        start, size = results['window_start'], results['window_size']
        if start >= feature.shape[1]:
            raise ValueError(
                f'{results.get("feature_path")}: {feature.shape[1]} snippets '
                f'but a window starts at snippet {start}; does '
                '"feature_frame" / snippet_interval in the annotation file '
                'match the rows of the CSV?')
        window = np.zeros((feature.shape[0], size), dtype=feature.dtype)
        crop = feature[:, start:start + size]
        window[:, :crop.shape[1]] = crop
        frames = size * results['snippet_interval']
        window_second = frames / results['fps']
        offset = start * results['snippet_interval'] / results['fps']
        gt_bbox = [[(a['segment'][0] - offset) / window_second,
                    (a['segment'][1] - offset) / window_second]
                   for a in results['window_annotations']]
        results.update(
            raw_feature=window,
            video_duration_second=results['duration_second'],
            duration_second=window_second,
            duration_frame=frames,
            feature_frame=frames,
            gt_bbox=np.clip(
                np.array(gt_bbox, dtype=np.float64).reshape(-1, 2), 0, 1))
        return results
