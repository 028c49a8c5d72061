"""WIDER FACE read from its official ``wider_face_split`` text files."""
import os.path as osp
from typing import List, Optional, Tuple

import numpy as np
from mmdet.datasets import BaseDetDataset
from mmdet.registry import DATASETS
from mmengine.fileio import get_local_path, get_text
from mmengine.logging import MMLogger
from PIL import Image

#: Columns of a face line of ``wider_face_{train,val}_bbx_gt.txt``.
FACE_FIELDS = ('x', 'y', 'w', 'h', 'blur', 'expression', 'illumination',
               'invalid', 'occlusion', 'pose')
_IMAGE_SUFFIXES = ('.jpg', '.jpeg', '.png')


def _error(path: str, line: int, message: str) -> ValueError:
    """A ValueError naming the file and the 1-based line."""
    return ValueError(f'{path}:{line}: {message}')


def parse_wider_face_bbx_gt(path: str,
                            text: str) -> Tuple[List[str], List[np.ndarray]]:
    """Parse ``wider_face_{train,val}_bbx_gt.txt``.

    Each image is its path (``<event>/<name>.jpg``), the number of faces N
    and N lines of ``x1 y1 w h blur expression illumination invalid
    occlusion pose``.  An image with no face has a line of ten zeros in
    place of its face lines, as in the official files.

    Args:
        path (str): The file name, for error messages.
        text (str): The file content.

    Returns:
        tuple[list[str], list[np.ndarray]]: Image paths and their ``(N, 10)``
        float64 face lines.

    Raises:
        ValueError: On a malformed line (the message names file and line).
    """
    lines = text.splitlines()
    while lines and not lines[-1].strip():
        lines.pop()
    images, spans = [], []
    i = 0
    while i < len(lines):
        name = lines[i].strip()
        if not name.lower().endswith(_IMAGE_SUFFIXES):
            raise _error(path, i + 1,
                         f'expected an image path, got {lines[i]!r}')
        if i + 1 >= len(lines):
            raise _error(path, i + 2, 'the number of faces is missing')
        count = lines[i + 1].strip()
        if not count.isdigit():
            raise _error(path, i + 2,
                         f'expected the number of faces, got {lines[i+1]!r}')
        count = int(count)
        begin = i + 2
        if count == 0 and begin < len(lines) and not lines[begin].strip(
        ).lower().endswith(_IMAGE_SUFFIXES):
            fields = lines[begin].split()
            if fields != ['0'] * len(FACE_FIELDS):
                raise _error(
                    path, begin + 1, 'an image with 0 faces is followed by '
                    f'a line of ten zeros, got {lines[begin]!r}')
            i = begin + 1
        else:
            i = begin + count
            if i > len(lines):
                raise _error(
                    path,
                    len(lines) + 1,
                    f'{name} (line {begin - 1}) announces {count} faces, '
                    f'the file ends after {len(lines) - begin}')
        images.append(name)
        spans.append((begin, begin + count))
    rows = [lines[k] for b, e in spans for k in range(b, e)]
    faces = np.zeros((0, len(FACE_FIELDS)))
    if rows:
        try:  # numpy's C parser; it skips empty lines, so count the rows
            faces = np.loadtxt(
                rows, dtype=np.float64, comments=None,
                ndmin=2).reshape(-1, len(FACE_FIELDS))
        except ValueError:
            faces = faces[:0]
    if len(faces) != len(rows):  # find and name the offending line
        line_nos = [k + 1 for b, e in spans for k in range(b, e)]
        values = []
        for line_no, row in zip(line_nos, rows):
            fields = row.split()
            if len(fields) != len(FACE_FIELDS):
                raise _error(
                    path, line_no, f'expected {len(FACE_FIELDS)} fields '
                    f'({" ".join(FACE_FIELDS)}), got {row!r}')
            try:
                values.append([float(v) for v in fields])
            except ValueError:
                raise _error(path, line_no,
                             f'not a number in {row!r}') from None
        faces = np.array(values, dtype=np.float64)
    # The official release has zero-size faces (ignore-flagged below) but
    # no negative sizes; the official evaluation would silently never match
    # one, so it is an error here.
    bad = np.flatnonzero((faces[:, 2:4] < 0).any(1)
                         | ~np.isfinite(faces[:, :4]).all(1))
    if len(bad):
        line_no = [k + 1 for b, e in spans for k in range(b, e)][bad[0]]
        raise _error(
            path, line_no, 'a face needs a finite box with a width and '
            f'height of at least 0, got {lines[line_no - 1]!r}')
    offsets = np.cumsum([0] + [e - b for b, e in spans])
    return images, [
        faces[offsets[k]:offsets[k + 1]] for k in range(len(images))
    ]


@DATASETS.register_module()
class WIDERFaceTxtDataset(BaseDetDataset):
    """WIDER FACE (Yang et al., CVPR 2016) from the official release.

    Reads the official layout directly (no VOC-XML conversion, unlike
    mmdet's ``WIDERFaceDataset``)::

        data_root/
        ├── WIDER_train/images/<event>/<name>.jpg
        ├── WIDER_val/images/<event>/<name>.jpg
        ├── WIDER_test/images/<event>/<name>.jpg
        ├── wider_face_split/
        │   ├── wider_face_train_bbx_gt.txt
        │   ├── wider_face_val_bbx_gt.txt
        │   └── wider_face_test_filelist.txt
        └── eval_tools/ground_truth/   # for WIDERFaceMetric
            ├── wider_face_val.mat
            └── wider_{easy,medium,hard}_val.mat

    An ``ann_file`` whose name contains ``_bbx_gt`` holds faces; any other
    (``wider_face_test_filelist.txt``) lists one image path per line and
    gives images without instances.

    A face ``x1 y1 w h`` becomes ``bbox = [x1, y1, x1 + w, y1 + h]`` with
    label 0.  Faces are never dropped; ``ignore_flag = 1`` marks those
    flagged ``invalid`` by the annotators (when ``ignore_invalid``), those
    with ``w == 0`` or ``h == 0`` (the official release has such faces; a
    negative or non-finite size is an error naming the file and line), and
    those whose width or height is below
    ``filter_cfg['bbox_min_size']`` (as mmdet's ``XMLDataset``).  Each
    instance also keeps the annotation attributes ``blur``, ``expression``,
    ``illumination``, ``invalid``, ``occlusion`` and ``pose``.  With
    ``filter_cfg['filter_empty_gt']`` (training only), images without any
    face line are skipped.

    The split files give no image size, so with ``read_image_sizes``
    ``width`` and ``height`` (which mmdet's ``AspectRatioBatchSampler``
    reads) are taken from each image's header the first time
    :meth:`get_data_info` is asked for that image, and remembered.

    Args:
        ignore_invalid (bool): Mark ``invalid`` faces as ignored.
            Defaults to True.
        read_image_sizes (bool): Add ``width`` and ``height`` from the
            image headers in :meth:`get_data_info`. Turn off to read the
            annotations without the images. Defaults to True.
        **kwargs: :class:`mmdet.datasets.BaseDetDataset` arguments
            (``ann_file``, ``data_root``, ``data_prefix=dict(img=...)``,
            ``filter_cfg``, ``pipeline``, ``test_mode``, ...).

    Raises:
        ValueError: On a malformed annotation line (the message names the
            file and the line).
    """

    METAINFO = {'classes': ('face', ), 'palette': [(0, 255, 0)]}

    def __init__(self,
                 *args,
                 ignore_invalid: bool = True,
                 read_image_sizes: bool = True,
                 **kwargs) -> None:
        self.ignore_invalid = ignore_invalid
        self.read_image_sizes = read_image_sizes
        self._image_sizes = {}
        super().__init__(*args, **kwargs)

    def get_data_info(self, idx: int) -> dict:
        """The annotation of image ``idx`` with its ``width`` and ``height``.

        Args:
            idx (int): Index of the image.

        Returns:
            dict: As :meth:`load_data_list` gives it, plus ``width`` and
            ``height`` read from the image header (once per image) when
            ``read_image_sizes``.
        """
        info = super().get_data_info(idx)
        if not self.read_image_sizes:
            return info
        path = info['img_path']
        if path not in self._image_sizes:
            with get_local_path(path, backend_args=self.backend_args) as p:
                with Image.open(p) as image:
                    self._image_sizes[path] = image.size
        info['width'], info['height'] = self._image_sizes[path]
        return info

    @property
    def bbox_min_size(self) -> Optional[float]:
        """``filter_cfg['bbox_min_size']``, if any."""
        return (self.filter_cfg or {}).get('bbox_min_size', None)

    def load_data_list(self) -> List[dict]:
        """Parse the annotation file.

        Returns:
            list[dict]: ``img_path``, ``img_id`` (``<event>/<name>``),
            ``instances`` per image.
        """
        text = get_text(self.ann_file, backend_args=self.backend_args)
        img_root = self.data_prefix.get('img', '')
        if '_bbx_gt' not in osp.basename(self.ann_file):
            data_list = []
            for line_no, line in enumerate(text.splitlines(), 1):
                name = line.strip()
                if not name:
                    continue
                if not name.lower().endswith(_IMAGE_SUFFIXES):
                    raise _error(self.ann_file, line_no,
                                 f'expected an image path, got {line!r}')
                data_list.append(
                    dict(
                        img_path=osp.join(img_root, name),
                        img_id=osp.splitext(name)[0],
                        instances=[]))
            return data_list
        names, faces = parse_wider_face_bbx_gt(self.ann_file, text)
        data_list = []
        for name, face in zip(names, faces):
            data_list.append(
                dict(
                    img_path=osp.join(img_root, name),
                    img_id=osp.splitext(name)[0],
                    instances=self._instances(face)))
        return data_list

    def _instances(self, faces: np.ndarray) -> List[dict]:
        """``(N, 10)`` face lines to mmdet instances."""
        xy, wh = faces[:, :2], faces[:, 2:4]
        bboxes = np.concatenate([xy, xy + wh], axis=1)
        ignore = (wh <= 0).any(1)
        if self.ignore_invalid:
            ignore |= faces[:, 7] == 1
        if self.bbox_min_size is not None:
            ignore |= (wh < self.bbox_min_size).any(1)
        attributes = faces[:, 4:].astype(np.int64)
        return [
            dict(
                bbox=box,
                bbox_label=0,
                ignore_flag=int(flag),
                **dict(zip(FACE_FIELDS[4:], attr))) for box, flag, attr in zip(
                    bboxes.tolist(), ignore.tolist(), attributes.tolist())
        ]

    def filter_data(self) -> List[dict]:
        """Skip images without faces when ``filter_empty_gt`` (training).

        Returns:
            list[dict]: The kept images.
        """
        if self.test_mode or not (self.filter_cfg or {}).get(
                'filter_empty_gt', False):
            return self.data_list
        kept = [d for d in self.data_list if d['instances']]
        if len(kept) < len(self.data_list):
            MMLogger.get_current_instance().info(
                f'{self.ann_file}: filter_empty_gt skips '
                f'{len(self.data_list) - len(kept)} images without faces')
        return kept
