"""insightface ``.bin`` verification sets (LFW, CFP-FP, AgeDB-30, ...).

A ``.bin`` file is a pickle of ``(bins, issame_list)``: ``bins`` holds
``2N`` encoded (JPEG) images, pair ``i`` is ``(bins[2i], bins[2i+1])``, and
``issame_list[i]`` tells whether the pair shows the same person. The files
were written by Python 2, so they are loaded with ``encoding='bytes'``; the
images may be ``bytes`` or uint8 arrays of the encoded bytes.

``.bin`` files are passed around on mirrors and shared drives, and a plain
``pickle.load`` runs whatever a file asks for.  :func:`load_bin` unpickles
with :class:`VerificationBinUnpickler`, which constructs only the types the
format needs and refuses every other global before it is built.
"""
import pickle
from typing import Any, List, Sequence, Tuple

import numpy as np


class VerificationBinUnpickler(pickle.Unpickler):
    """An unpickler for ``.bin`` sets that can construct nothing else.

    Python's own types of the format (bytes, lists, tuples, bools, ints)
    need no global; the globals below are the only ones the format pickles
    through: ``bytes``/``bytearray`` as Python 3 writes them at protocol 2
    (``_codecs.encode``, ``builtins.bytearray``) and numpy arrays and scalars
    (``_reconstruct``, ``ndarray``, ``dtype``, ``scalar``).  Arrays of
    object dtype are refused after loading (:func:`load_bin`).

    Args:
        file: A binary file object.
    """

    ALLOWED_GLOBALS = frozenset({
        ('_codecs', 'encode'),
        ('builtins', 'bytearray'),
        ('builtins', 'bytes'),
        ('numpy', 'ndarray'),
        ('numpy', 'dtype'),
        ('numpy.core.multiarray', '_reconstruct'),
        ('numpy.core.multiarray', 'scalar'),
        ('numpy._core.multiarray', '_reconstruct'),
        ('numpy._core.multiarray', 'scalar'),
    })

    def __init__(self, file) -> None:
        super().__init__(file, encoding='bytes')

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) not in self.ALLOWED_GLOBALS:
            raise pickle.UnpicklingError(
                f'refused global {module}.{name}: a .bin verification set '
                'holds only bytes, lists, tuples, bools, ints and numpy '
                'arrays, so this file is not one (it may be hostile); '
                'nothing in it was run')
        return super().find_class(module, name)


def _check_plain_arrays(obj: Any, path: str) -> None:
    """Refuse numpy arrays of object dtype anywhere in ``obj``."""
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, np.ndarray) and item.dtype.hasobject:
            raise ValueError(f'{path}: holds a numpy array of dtype '
                             f'{item.dtype}; a .bin set has plain arrays')
        if isinstance(item, (list, tuple)):
            stack.extend(item)


def load_bin(path: str) -> Tuple[List[bytes], np.ndarray]:
    """Load a ``.bin`` verification set.

    Args:
        path (str): The ``.bin`` file.

    Returns:
        tuple[list[bytes], np.ndarray]: The ``2N`` encoded images and the
        ``N`` boolean pair labels.

    Raises:
        FileNotFoundError: If the file is missing.
        ValueError: If it is not a pickle of ``(bins, issame_list)``, asks
            for any other global (refused before anything is built) or the
            number of images is not twice the number of pair labels.
    """
    with open(path, 'rb') as f:
        try:
            content = VerificationBinUnpickler(f).load()
        except (pickle.UnpicklingError, EOFError, AttributeError,
                ImportError, ValueError, TypeError, IndexError,
                KeyError) as err:
            raise ValueError(f'{path}: not a readable .bin verification set '
                             f'(pickle of (bins, issame_list)): {err}'
                             ) from err
    _check_plain_arrays(content, path)
    if not (isinstance(content, (tuple, list)) and len(content) == 2):
        raise ValueError(f'{path}: expected a pickle of (bins, issame_list), '
                         f'got {type(content).__name__}')
    bins, issame = content
    images = []
    for i, item in enumerate(bins):
        if isinstance(item, np.ndarray):
            item = item.tobytes()
        if not isinstance(item, (bytes, bytearray)):
            raise ValueError(f'{path}: image {i} is a {type(item).__name__}, '
                             'expected encoded image bytes')
        images.append(bytes(item))
    issame = np.asarray(issame, dtype=bool).ravel()
    if len(images) != 2 * len(issame):
        raise ValueError(
            f'{path}: {len(images)} images for {len(issame)} pair labels; a '
            '.bin set needs exactly two images per pair')
    return images, issame


def dump_bin(path: str, images: Sequence[bytes],
             issame: Sequence[bool]) -> None:
    """Write a ``.bin`` verification set readable by insightface.

    Args:
        path (str): The file to write.
        images (Sequence[bytes]): ``2N`` encoded images, pair ``i`` being
            images ``2i`` and ``2i + 1``.
        issame (Sequence[bool]): The ``N`` pair labels.

    Raises:
        ValueError: If the counts do not match.
    """
    if len(images) != 2 * len(issame):
        raise ValueError(f'{len(images)} images for {len(issame)} pairs; '
                         'need exactly two images per pair')
    with open(path, 'wb') as f:
        pickle.dump(
            ([bytes(image) for image in images], [bool(s) for s in issame]),
            f,
            protocol=pickle.HIGHEST_PROTOCOL)
