"""FDDB read from its official fold files."""
import os.path as osp
from typing import List

from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS
from mmengine.fileio import get_text

from .fddb_io import (ellipse_bboxes, fddb_annotation_files,
                      parse_fddb_ellipse_list)


@DATASETS.register_module()
class FDDBDataset(BaseDetDataset):
    """FDDB (Jain and Learned-Miller, 2010) with its ellipse annotations.

    Reads the official release::

        data_root/
        ├── originalPics/<year>/<month>/<day>/big/img_<n>.jpg
        └── FDDB-folds/
            ├── FDDB-fold-01.txt              # image list
            └── FDDB-fold-01-ellipseList.txt  # ellipses (read here)

    ``ann_file`` is one ``FDDB-fold-XX-ellipseList.txt`` or the
    ``FDDB-folds`` folder (all ten folds, 2845 images, the usual protocol
    for a detector trained elsewhere).  A face ``ra rb theta cx cy 1``
    (semi-axes, angle in radians, centre) becomes ``bbox``, the
    axis-aligned box enclosing the ellipse, with label 0; the ellipse is
    kept in the instance as ``ellipse = [ra, rb, theta, cx, cy]`` (the
    FDDB evaluation scores detections against the ellipses, see
    :class:`FDDBMetric`).  ``img_id`` is the image path without extension,
    as in the fold files.

    Args:
        img_suffix (str): Image file extension. Defaults to ``'.jpg'``.
        **kwargs: :class:`mmdet.datasets.BaseDetDataset` arguments.

    Raises:
        ValueError: On a malformed annotation line (the message names the
            file and the line).
    """

    METAINFO = {'classes': ('face', ), 'palette': [(0, 255, 0)]}

    def __init__(self, *args, img_suffix: str = '.jpg', **kwargs) -> None:
        self.img_suffix = img_suffix
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Parse the fold annotation file(s).

        Returns:
            list[dict]: ``img_path``, ``img_id`` and ``instances`` per image.
        """
        img_root = self.data_prefix.get('img', '')
        data_list = []
        for path in fddb_annotation_files(self.ann_file):
            text = get_text(path, backend_args=self.backend_args)
            for name, ellipses in parse_fddb_ellipse_list(path, text):
                boxes = ellipse_bboxes(ellipses)
                data_list.append(
                    dict(
                        img_path=osp.join(img_root, name + self.img_suffix),
                        img_id=name,
                        instances=[
                            dict(
                                bbox=box,
                                bbox_label=0,
                                ignore_flag=0,
                                ellipse=ellipse) for box, ellipse in zip(
                                    boxes.tolist(), ellipses.tolist())
                        ]))
        return data_list
