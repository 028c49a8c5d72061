import os.path as osp
from typing import List, Optional, Sequence, Union

import numpy as np
from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .recordio import RecordIOError, RecordIOReader, unpack


@DATASETS.register_module()
class FaceRecordIODataset(BaseDataset):
    """insightface face training set in MXNet RecordIO, read without MXNet.

    Reads ``train.rec`` / ``train.idx`` as distributed by insightface
    (MS1MV2, MS1MV3, Glint360K, CASIA-WebFace, ...) and written by
    ``tools/dataset_converters/face_recordio.py``: if record 0 is a meta
    record (``flag`` > 0, labels ``(a, b)``) the images are records
    ``1 .. a-1`` and there are ``b - a`` identities, otherwise every record
    is an image. The label of an image is the first label of its header.
    See :mod:`mmext.face.datasets.recordio` for the format.

    Only the keys and offsets are held in memory (two int64 arrays, so
    millions of images are cheap); labels and images are read from the
    ``.rec`` file per sample. Each sample is ``img_bytes`` (the encoded
    image, to decode with ``DecodeImageFromBytes``), ``gt_label`` and
    ``img_source`` (file and key, for error messages).

    Args:
        data_root (str): The folder holding the files. Defaults to ''.
        rec_file (str): The ``.rec`` file, relative to ``data_root``.
            Defaults to ``'train.rec'``.
        idx_file (str, optional): The ``.idx`` file. Defaults to
            ``rec_file`` with the extension ``.idx``.
        pipeline (Sequence): The data pipeline. Defaults to ().
        indices (int | Sequence[int], optional): Use only the first
            ``indices`` samples, or those indices. Defaults to None.
        test_mode (bool): Whether the dataset is for testing.
            Defaults to False.
        lazy_init (bool): Whether to defer reading the index.
            Defaults to False.
        metainfo (dict, optional): Meta information. Defaults to None.

    Raises:
        FileNotFoundError: If ``.rec`` or ``.idx`` is missing.
        RecordIOError: If the index or a record is malformed (the message
            names the file, the record key and its offset).
    """

    def __init__(self,
                 data_root: str = '',
                 rec_file: str = 'train.rec',
                 idx_file: Optional[str] = None,
                 pipeline: Sequence = (),
                 indices: Optional[Union[int, Sequence[int]]] = None,
                 test_mode: bool = False,
                 lazy_init: bool = False,
                 metainfo: Optional[dict] = None):
        self.rec_file = rec_file
        self.idx_file = idx_file
        self.reader: Optional[RecordIOReader] = None
        self.num_identities: Optional[int] = None
        super().__init__(
            ann_file='',
            metainfo=metainfo,
            data_root=data_root,
            pipeline=pipeline,
            indices=indices,
            serialize_data=False,
            test_mode=test_mode,
            lazy_init=lazy_init)

    def _path(self, name: str) -> str:
        return name if osp.isabs(name) else osp.join(self.data_root, name)

    def full_init(self) -> None:
        """Read the index and the meta record."""
        if self._fully_initialized:
            return
        rec_path = self._path(self.rec_file)
        idx_path = self._path(self.idx_file) if self.idx_file else None
        self.reader = RecordIOReader(rec_path, idx_path)
        keys = self.reader.keys
        if len(keys) == 0:
            raise RecordIOError(f'{self.reader.idx_path} lists no record')
        header = self.reader.read_header(0) if np.any(keys == 0) else None
        if header is not None and header.flag > 0:
            first_id, end_id = (int(v) for v in header.label[:2])
            image_keys = np.arange(1, first_id, dtype=np.int64)
            self.num_identities = end_id - first_id
        else:
            image_keys = keys
        offsets = self.reader.offsets_of(image_keys)
        if self._indices is not None:
            indices = self._indices
            if isinstance(indices, int):
                indices = range(min(indices, len(image_keys)))
            selected = np.asarray(list(indices), np.int64)
            image_keys, offsets = image_keys[selected], offsets[selected]
        self.image_keys = image_keys
        self.image_offsets = offsets
        self._fully_initialized = True

    def __len__(self) -> int:
        if not self._fully_initialized:
            self.full_init()
        return len(self.image_keys)

    def get_data_info(self, idx: int) -> dict:
        """Read sample ``idx``: encoded image, label and source."""
        if not self._fully_initialized:
            self.full_init()
        key = int(self.image_keys[idx])
        record = self.reader.read_at(int(self.image_offsets[idx]), key)
        source = f'{self.reader.rec_path} record {key}'
        try:
            header, image = unpack(record)
        except RecordIOError as err:
            raise RecordIOError(f'{source}: {err}') from None
        label = header.label if header.flag == 0 else header.label[0]
        return dict(
            img_bytes=image,
            gt_label=int(label),
            img_source=source,
            sample_idx=idx if idx >= 0 else len(self) + idx)

    def _label(self, idx: int) -> int:
        header = self.reader.read_header(int(self.image_keys[idx]))
        return int(header.label if header.flag == 0 else header.label[0])

    def get_gt_labels(self) -> np.ndarray:
        """Labels of all samples, read from the record headers only."""
        if not self._fully_initialized:
            self.full_init()
        return np.asarray([self._label(i) for i in range(len(self))],
                          dtype=np.int64)

    def get_cat_ids(self, idx: int) -> List[int]:
        """The label of sample ``idx`` as a one-item list."""
        if not self._fully_initialized:
            self.full_init()
        return [self._label(idx)]

    def extra_repr(self) -> List[str]:
        """Extra lines of ``repr``."""
        return [
            f'RecordIO file: \t{self._path(self.rec_file)}',
            f'Number of identities: \t{self.num_identities}'
        ]
