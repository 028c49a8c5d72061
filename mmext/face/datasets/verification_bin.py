"""insightface ``.bin`` verification sets (LFW, CFP-FP, AgeDB-30, ...).

A ``.bin`` file is a pickle of ``(bins, issame_list)``: ``bins`` holds
``2N`` encoded (JPEG) images, pair ``i`` is ``(bins[2i], bins[2i+1])``, and
``issame_list[i]`` tells whether the pair shows the same person. The files
were written by Python 2, so they are loaded with ``encoding='bytes'``; the
images may be ``bytes`` or uint8 arrays of the encoded bytes.
"""
import pickle
from typing import List, Sequence, Tuple

import numpy as np


def load_bin(path: str) -> Tuple[List[bytes], np.ndarray]:
    """Load a ``.bin`` verification set.

    Args:
        path (str): The ``.bin`` file.

    Returns:
        tuple[list[bytes], np.ndarray]: The ``2N`` encoded images and the
        ``N`` boolean pair labels.

    Raises:
        FileNotFoundError: If the file is missing.
        ValueError: If it is not a pickle of ``(bins, issame_list)`` or the
            number of images is not twice the number of pair labels.
    """
    try:
        with open(path, 'rb') as f:
            content = pickle.load(f, encoding='bytes')
    except (pickle.UnpicklingError, EOFError, AttributeError,
            ImportError) as err:
        raise ValueError(f'{path}: not a readable .bin verification set '
                         f'(pickle of (bins, issame_list)): {err}') from err
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
