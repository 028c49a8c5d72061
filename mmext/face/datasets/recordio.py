"""MXNet indexed RecordIO (``.rec`` + ``.idx``) without MXNet.

insightface distributes its training sets (MS1MV2, MS1MV3, Glint360K, ...)
as ``train.rec`` / ``train.idx``; MXNet no longer imports on current NumPy,
so this module reads and writes the format in pure Python.

On-disk format (dmlc-core ``recordio``):

* ``.rec``: a sequence of chunks, each ``uint32 magic (0xced7230a)``,
  ``uint32 lrecord`` (lower 29 bits: payload length; upper 3 bits:
  continuation flag ``cflag``), the payload, then zero padding to a multiple
  of 4 bytes. A record whose payload contains the magic number at a 4-byte
  aligned position is split there into chunks with ``cflag`` 1 (first),
  2 (middle), 3 (last); the magic itself is dropped and re-inserted between
  the parts when reading. ``cflag`` 0 is a record in one chunk.
* ``.idx``: text lines ``key<TAB>byte offset of the record``.
* payload (``mx.recordio.pack``): the 24-byte header ``IRHeader`` =
  struct ``'<IfQQ'`` (``flag``, ``label``, ``id``, ``id2``); if ``flag`` > 0,
  ``flag`` float32 labels follow the header and the ``label`` field is 0.
  The rest is the encoded image.

insightface face sets put a meta record at key 0 with ``flag`` > 0 and
labels ``(a, b)``: image records are keys ``1 .. a-1``; keys ``a .. b-1`` are
one record per identity, whose labels are the ``[start, end)`` image keys of
that identity.
"""
import os
import struct
from typing import (Dict, Iterable, List, NamedTuple, Optional, Sequence,
                    Tuple, Union)

import numpy as np

MAGIC = 0xced7230a
_MAGIC_BYTES = struct.pack('<I', MAGIC)
_LENGTH_BITS = 29
_MAX_LENGTH = (1 << _LENGTH_BITS) - 1
_HEADER = struct.Struct('<IfQQ')


class RecordIOError(ValueError):
    """A RecordIO file or record is malformed; the message names it."""


class IRHeader(NamedTuple):
    """Header of an image record (``mx.recordio.IRHeader``).

    Attributes:
        flag (int): Number of float32 labels after the header (0: the
            scalar ``label`` is used).
        label (float | np.ndarray): The label(s).
        id (int): Record id.
        id2 (int): Second id.
    """
    flag: int
    label: Union[float, np.ndarray]
    id: int
    id2: int


def pack(header: IRHeader, payload: bytes) -> bytes:
    """Pack a header and a payload into a record (``mx.recordio.pack``).

    Args:
        header (IRHeader): The header; a non-scalar ``label`` is written as
            ``flag`` float32 values after the header.
        payload (bytes): The encoded image (or empty).

    Returns:
        bytes: The record payload.
    """
    label = np.asarray(header.label, dtype=np.float32)
    if label.ndim == 0:
        return _HEADER.pack(header.flag, float(label), header.id,
                            header.id2) + payload
    label = label.ravel()
    return _HEADER.pack(label.size, 0., header.id,
                        header.id2) + label.tobytes() + payload


def unpack(record: bytes) -> Tuple[IRHeader, bytes]:
    """Split a record into its header and payload (``mx.recordio.unpack``).

    Args:
        record (bytes): A record as returned by :meth:`RecordIOReader.read`.

    Returns:
        tuple[IRHeader, bytes]: The header (``label`` an array when
        ``flag`` > 0) and the payload.

    Raises:
        RecordIOError: If the record is shorter than its header says.
    """
    if len(record) < _HEADER.size:
        raise RecordIOError(f'record of {len(record)} bytes is shorter than '
                            f'the {_HEADER.size}-byte IRHeader')
    flag, label, id1, id2 = _HEADER.unpack_from(record)
    offset = _HEADER.size
    if flag > 0:
        end = offset + 4 * flag
        if len(record) < end:
            raise RecordIOError(f'record header announces {flag} labels but '
                                f'the record has {len(record)} bytes')
        label = np.frombuffer(record[offset:end], dtype=np.float32).copy()
        offset = end
    return IRHeader(flag, label, id1, id2), record[offset:]


def _read_index(idx_path: str) -> Tuple[np.ndarray, np.ndarray]:
    keys, offsets = [], []
    with open(idx_path) as f:
        for line_no, line in enumerate(f, 1):
            if not line.strip():
                continue
            fields = line.split('\t')
            try:
                key, offset = int(fields[0]), int(fields[1])
            except (IndexError, ValueError):
                raise RecordIOError(
                    f'{idx_path}:{line_no}: expected "key<TAB>offset", got '
                    f'{line.rstrip()!r}') from None
            keys.append(key)
            offsets.append(offset)
    return np.asarray(keys, np.int64), np.asarray(offsets, np.int64)


class RecordIOReader:
    """Random access to the records of an indexed RecordIO file.

    The file is opened lazily and re-opened in every process (dataloader
    workers), so instances can be pickled.

    Args:
        rec_path (str): Path of the ``.rec`` file.
        idx_path (str, optional): Path of the ``.idx`` file. Defaults to
            ``rec_path`` with the extension ``.idx``.

    Raises:
        FileNotFoundError: If a file is missing.
        RecordIOError: If the index is malformed or points past the end of
            the ``.rec`` file.
    """

    def __init__(self, rec_path: str, idx_path: Optional[str] = None):
        self.rec_path = rec_path
        self.idx_path = idx_path or os.path.splitext(rec_path)[0] + '.idx'
        for path in (self.rec_path, self.idx_path):
            if not os.path.isfile(path):
                raise FileNotFoundError(f'RecordIO file not found: {path}')
        self.keys, self.offsets = _read_index(self.idx_path)
        order = np.argsort(self.keys, kind='stable')
        self._sorted_keys = self.keys[order]
        self._sorted_offsets = self.offsets[order]
        size = os.path.getsize(self.rec_path)
        bad = np.flatnonzero(self.offsets + 8 > size)
        if bad.size:
            raise RecordIOError(
                f'{self.idx_path}: key {self.keys[bad[0]]} points to offset '
                f'{self.offsets[bad[0]]}, past the end of {self.rec_path} '
                f'({size} bytes)')
        self._file = None
        self._pid = None

    def __len__(self) -> int:
        return len(self.keys)

    def __getstate__(self) -> Dict:
        state = self.__dict__.copy()
        state['_file'] = None
        state['_pid'] = None
        return state

    def __del__(self):
        self.close()

    def close(self) -> None:
        """Close the ``.rec`` file (it re-opens on the next read)."""
        if getattr(self, '_file', None) is not None:
            self._file.close()
            self._file = None

    def _handle(self):
        if self._file is None or self._pid != os.getpid():
            self._file = open(self.rec_path, 'rb')
            self._pid = os.getpid()
        return self._file

    def offsets_of(self, keys: np.ndarray) -> np.ndarray:
        """Byte offsets of the records ``keys`` (vectorised).

        Raises:
            RecordIOError: If the index lacks one of the keys.
        """
        keys = np.asarray(keys, np.int64)
        pos = np.searchsorted(self._sorted_keys, keys)
        found = pos < len(self._sorted_keys)
        found[found] = self._sorted_keys[pos[found]] == keys[found]
        if not found.all():
            missing = keys[~found]
            raise RecordIOError(
                f'{self.idx_path}: no record with key {missing[0]} '
                f'({missing.size} of {keys.size} requested keys are missing)')
        return self._sorted_offsets[pos]

    def offset_of(self, key: int) -> int:
        """Byte offset of record ``key``.

        Raises:
            RecordIOError: If the index has no such key.
        """
        return int(self.offsets_of(np.array([key]))[0])

    def _read_chunk(self, f, key: int, offset: int) -> Tuple[int, bytes]:
        head = f.read(8)
        if len(head) < 8:
            raise RecordIOError(
                f'{self.rec_path}: record {key} (offset {offset}) is '
                'truncated: the file ends inside a chunk header')
        magic, lrecord = struct.unpack('<II', head)
        if magic != MAGIC:
            raise RecordIOError(
                f'{self.rec_path}: record {key} (offset {offset}) is corrupt: '
                f'found 0x{magic:08x} instead of the RecordIO magic '
                f'0x{MAGIC:08x} (wrong offset in {self.idx_path}, or a '
                'damaged file)')
        length = lrecord & _MAX_LENGTH
        data = f.read(length)
        if len(data) < length:
            raise RecordIOError(
                f'{self.rec_path}: record {key} (offset {offset}) is '
                f'truncated: {length} bytes announced, {len(data)} present')
        f.seek((4 - length % 4) % 4, os.SEEK_CUR)
        return lrecord >> _LENGTH_BITS, data

    def read_at(self, offset: int, key: int = -1) -> bytes:
        """Read the record starting at byte ``offset``.

        Args:
            offset (int): Byte offset of the record's first chunk.
            key (int): The record key, only for error messages.

        Returns:
            bytes: The record payload (header included).

        Raises:
            RecordIOError: If the chunks are malformed.
        """
        f = self._handle()
        f.seek(offset)
        cflag, data = self._read_chunk(f, key, offset)
        if cflag == 0:
            return data
        if cflag != 1:
            raise RecordIOError(
                f'{self.rec_path}: record {key} (offset {offset}) is corrupt: '
                f'it starts with a continuation chunk (cflag {cflag})')
        parts = [data]
        while cflag != 3:
            cflag, data = self._read_chunk(f, key, offset)
            if cflag not in (2, 3):
                raise RecordIOError(
                    f'{self.rec_path}: record {key} (offset {offset}) is '
                    f'corrupt: chunk flag {cflag} inside a split record')
            parts.append(data)
        return _MAGIC_BYTES.join(parts)

    def read(self, key: int) -> bytes:
        """Read record ``key``.

        Raises:
            RecordIOError: If the index has no such key or the record is
                malformed.
        """
        return self.read_at(self.offset_of(key), key)

    def read_header(self, key: int) -> IRHeader:
        """Read the header of record ``key`` without reading its image.

        Raises:
            RecordIOError: If the index has no such key or the record is
                malformed.
        """
        offset = self.offset_of(key)
        f = self._handle()
        f.seek(offset)
        head = f.read(8 + _HEADER.size)
        if len(head) < 8 or struct.unpack_from('<I', head)[0] != MAGIC:
            self.read_at(offset, key)  # raises the detailed error
        length = struct.unpack_from('<I', head, 4)[0] & _MAX_LENGTH
        flag = _HEADER.unpack_from(head, 8)[0] if length >= _HEADER.size \
            else 0
        needed = _HEADER.size + 4 * flag
        if length < needed:  # a split or short record: read all of it
            record = self.read_at(offset, key)
        else:
            record = head[8:] + f.read(4 * flag)
        try:
            return unpack(record)[0]
        except RecordIOError as err:
            raise RecordIOError(f'{self.rec_path}: record {key} (offset '
                                f'{offset}): {err}') from None


class RecordIOWriter:
    """Write an indexed RecordIO file (``.rec`` + ``.idx``).

    Args:
        rec_path (str): Path of the ``.rec`` file to create.
        idx_path (str, optional): Path of the ``.idx`` file. Defaults to
            ``rec_path`` with the extension ``.idx``.

    Example:
        >>> with RecordIOWriter('train.rec') as writer:
        ...     writer.write(1, pack(IRHeader(0, 3., 1, 0), jpeg_bytes))
    """

    def __init__(self, rec_path: str, idx_path: Optional[str] = None):
        self.rec_path = rec_path
        self.idx_path = idx_path or os.path.splitext(rec_path)[0] + '.idx'
        self._rec = open(rec_path, 'wb')
        self._idx = open(self.idx_path, 'w')

    def __enter__(self) -> 'RecordIOWriter':
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Flush and close both files."""
        self._rec.close()
        self._idx.close()

    def _write_chunk(self, cflag: int, data: bytes) -> None:
        self._rec.write(
            struct.pack('<II', MAGIC, (cflag << _LENGTH_BITS) | len(data)))
        self._rec.write(data)
        self._rec.write(b'\0' * ((4 - len(data) % 4) % 4))

    def write(self, key: int, record: bytes) -> None:
        """Append a record under ``key``.

        Args:
            key (int): The record key written to the index.
            record (bytes): The payload, e.g. from :func:`pack`.
        """
        if len(record) > _MAX_LENGTH:
            raise RecordIOError(f'record {key} has {len(record)} bytes; '
                                f'RecordIO records are < 2**29 bytes')
        self._idx.write(f'{key}\t{self._rec.tell()}\n')
        splits = _aligned_magic_positions(record)
        if not splits:
            self._write_chunk(0, record)
            return
        start = 0
        for i, pos in enumerate(splits):
            self._write_chunk(1 if i == 0 else 2, record[start:pos])
            start = pos + 4
        self._write_chunk(3, record[start:])


def _aligned_magic_positions(record: bytes) -> List[int]:
    """4-byte aligned positions at which ``record`` contains the magic."""
    usable = len(record) // 4 * 4
    words = np.frombuffer(record[:usable], dtype='<u4')
    return [int(i) * 4 for i in np.flatnonzero(words == MAGIC)]


def write_face_recordio(rec_path: str,
                        labels: Sequence[int],
                        images: Iterable[bytes],
                        idx_path: Optional[str] = None) -> None:
    """Write an insightface-style face training set.

    Record 0 is the meta record with labels ``(n + 1, n + 1 + num_ids)``;
    image records get keys ``1 .. n`` in the given order, header label = the
    identity; then one record per identity (keys ``n+1 ..``) holds the
    ``[start, end)`` image keys of that identity.

    Args:
        rec_path (str): The ``.rec`` file to create.
        labels (Sequence[int]): The label of every image, ``0 ..
            num_ids - 1``, grouped by identity in increasing order.
        images (Iterable[bytes]): The encoded images in the same order,
            consumed lazily (a generator keeps memory flat for large sets).
        idx_path (str, optional): The ``.idx`` path. Defaults to
            ``rec_path`` with the extension ``.idx``.

    Raises:
        ValueError: If the labels are not grouped by increasing identity
            starting at 0, or there are not as many images as labels.
    """
    labels = np.asarray(labels, dtype=np.int64)
    steps = np.diff(labels)
    if labels.size and (labels[0] != 0 or np.any(steps < 0)
                        or np.any(steps > 1)):
        raise ValueError('images must be grouped by identity with labels '
                         '0, 1, 2, ... in increasing order')
    num_images = labels.size
    num_ids = int(labels[-1]) + 1 if labels.size else 0
    starts = np.searchsorted(labels, np.arange(num_ids + 1)) + 1
    first_id_key = num_images + 1
    with RecordIOWriter(rec_path, idx_path) as writer:
        meta = np.array([first_id_key, first_id_key + num_ids])
        writer.write(0, pack(IRHeader(2, meta, 0, 0), b''))
        count = 0
        for count, (label, image) in enumerate(zip(labels, images), 1):
            writer.write(count,
                         pack(IRHeader(0, float(label), count, 0), image))
        if count != num_images:
            raise ValueError(f'{count} images for {num_images} labels')
        for identity in range(num_ids):
            key = first_id_key + identity
            span = np.array([starts[identity], starts[identity + 1]])
            writer.write(key, pack(IRHeader(2, span, key, 0), b''))
