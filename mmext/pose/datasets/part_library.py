"""Body-part library for parsing-based data augmentation (RANet's PDA).

On-disk format (``build_part_library`` writes it, ``load_part_library``
reads and validates it)::

    <root>/index.json
    <root>/parts/<000000>_<name>.png     # RGBA: colour + alpha = part mask

``index.json``::

    {"format": "mmext-part-library", "version": 1,
     "parts": [{"file": "parts/000000_left_arm.png",  # relative to <root>
                "name": "left_arm",      # LIP class, lower case
                "side": "left",          # "left" | "right" | "none"
                "body_ratio": 0.31,      # part box diagonal / person box
                                         # diagonal in the source image
                "source": "100034_483681"}, ...]}

``body_ratio`` is what keeps the pasted parts at a plausible size: PDA
scales a part so that its diagonal is ``body_ratio`` times the diagonal of
the person it is pasted on (ASDA, the same lab's follow-up, uses fixed
per-class ratios; measuring it per part keeps the source proportions).
"""
import json
import os
import os.path as osp
from typing import Dict, Iterable, List, Sequence, Tuple

import cv2
import numpy as np

PART_LIBRARY_FORMAT = 'mmext-part-library'
PART_LIBRARY_VERSION = 1
SIDES = ('left', 'right', 'none')

#: LIP (Look Into Person) parsing labels: id -> (part name, side).
LIP_CLASSES: Dict[int, Tuple[str, str]] = {
    1: ('hat', 'none'),
    2: ('hair', 'none'),
    3: ('glove', 'none'),
    4: ('sunglasses', 'none'),
    5: ('upper_clothes', 'none'),
    6: ('dress', 'none'),
    7: ('coat', 'none'),
    8: ('socks', 'none'),
    9: ('pants', 'none'),
    10: ('jumpsuits', 'none'),
    11: ('scarf', 'none'),
    12: ('skirt', 'none'),
    13: ('face', 'none'),
    14: ('left_arm', 'left'),
    15: ('right_arm', 'right'),
    16: ('left_leg', 'left'),
    17: ('right_leg', 'right'),
    18: ('left_shoe', 'left'),
    19: ('right_shoe', 'right')
}
#: Default classes cut into the library: limbs (symmetric look-alikes),
#: garments and the face (occluders and textures of a nearby person).
DEFAULT_CLASSES = (5, 7, 9, 12, 13, 14, 15, 16, 17)


def _box_diagonal(mask: np.ndarray) -> Tuple[float, Tuple[int, ...]]:
    ys, xs = np.nonzero(mask)
    x1, y1, x2, y2 = xs.min(), ys.min(), xs.max() + 1, ys.max() + 1
    return float(np.hypot(x2 - x1, y2 - y1)), (x1, y1, x2, y2)


def cut_parts(image: np.ndarray,
              parsing: np.ndarray,
              classes: Sequence[int] = DEFAULT_CLASSES,
              min_area: int = 64,
              with_person: bool = False) -> List[dict]:
    """Cut the parts of one parsed person image.

    Args:
        image (np.ndarray): (H, W, 3) uint8 BGR image.
        parsing (np.ndarray): (H, W) integer label map (0 = background,
            LIP ids otherwise).
        classes (Sequence[int]): Label ids to cut, keys of
            :data:`LIP_CLASSES`.
        min_area (int): Smallest part mask, in pixels, worth keeping.
        with_person (bool): Also cut the whole person (every non-zero
            label) as a ``'person'`` part, a "nearby person" distractor.

    Returns:
        list[dict]: ``name``, ``side``, ``body_ratio`` and ``image`` (h, w,
        4 uint8 BGRA crop) of every part found.
    """
    if image.shape[:2] != parsing.shape[:2]:
        raise ValueError(f'image {image.shape[:2]} and parsing '
                         f'{parsing.shape[:2]} differ in size')
    person = parsing > 0
    if person.sum() < min_area:
        return []
    person_diag, _ = _box_diagonal(person)
    wanted = [(LIP_CLASSES[c][0], LIP_CLASSES[c][1], parsing == c)
              for c in classes]
    if with_person:
        wanted.append(('person', 'none', person))
    parts = []
    for name, side, mask in wanted:
        if mask.sum() < min_area:
            continue
        diag, (x1, y1, x2, y2) = _box_diagonal(mask)
        crop = np.concatenate([
            image[y1:y2, x1:x2],
            mask[y1:y2, x1:x2, None].astype(np.uint8) * 255
        ],
                              axis=2)
        parts.append(
            dict(
                name=name,
                side=side,
                body_ratio=diag / person_diag,
                image=crop))
    return parts


def build_part_library(samples: Iterable[Tuple[str, str]],
                       out_dir: str,
                       classes: Sequence[int] = DEFAULT_CLASSES,
                       min_area: int = 64,
                       with_person: bool = False) -> int:
    """Write a part library from parsed person images.

    Args:
        samples (Iterable[tuple[str, str]]): (image path, parsing label map
            path) pairs, e.g. LIP's ``train_images/<id>.jpg`` and
            ``train_segmentations/<id>.png``.
        out_dir (str): Library root; ``index.json`` and ``parts/`` are
            written there.
        classes, min_area, with_person: see :func:`cut_parts`.

    Returns:
        int: Number of parts written.
    """
    unknown = sorted(set(classes) - set(LIP_CLASSES))
    if unknown:
        raise ValueError(f'unknown LIP class ids {unknown}; known: '
                         f'{sorted(LIP_CLASSES)}')
    os.makedirs(osp.join(out_dir, 'parts'), exist_ok=True)
    entries = []
    for img_path, parsing_path in samples:
        image = cv2.imread(img_path, cv2.IMREAD_COLOR)
        if image is None:
            raise FileNotFoundError(f'cannot read image {img_path}')
        parsing = cv2.imread(parsing_path, cv2.IMREAD_UNCHANGED)
        if parsing is None:
            raise FileNotFoundError(f'cannot read parsing map {parsing_path}')
        if parsing.ndim != 2:
            raise ValueError(f'{parsing_path}: a parsing map must be a '
                             f'single-channel label image, got shape '
                             f'{parsing.shape}')
        source = osp.splitext(osp.basename(img_path))[0]
        try:
            parts = cut_parts(image, parsing, classes, min_area, with_person)
        except ValueError as err:
            raise ValueError(f'{img_path} / {parsing_path}: {err}') from err
        for part in parts:
            file = f'parts/{len(entries):06d}_{part["name"]}.png'
            cv2.imwrite(osp.join(out_dir, file), part['image'])
            entries.append(
                dict(
                    file=file,
                    name=part['name'],
                    side=part['side'],
                    body_ratio=round(part['body_ratio'], 4),
                    source=source))
    with open(osp.join(out_dir, 'index.json'), 'w') as f:
        json.dump(
            dict(
                format=PART_LIBRARY_FORMAT,
                version=PART_LIBRARY_VERSION,
                parts=entries),
            f,
            indent=1)
    return len(entries)


def load_part_library(root: str) -> List[dict]:
    """Read and validate the index of a part library.

    The part images are read on demand by :func:`read_part`, so that a
    library cut from all of LIP does not sit in every loader worker's
    memory; their existence is checked here.

    Args:
        root (str): Library root holding ``index.json``.

    Returns:
        list[dict]: per part ``name``, ``side``, ``body_ratio``, ``file``
        (relative to ``root``) and ``path``.

    Raises:
        FileNotFoundError: ``index.json`` or a part image is missing.
        ValueError: the index is malformed or empty; the message names the
            file and the entry.
    """
    index_file = osp.join(root, 'index.json')
    if not osp.isfile(index_file):
        raise FileNotFoundError(
            f'part library {root!r}: {index_file} does not exist (build one '
            'with tools/dataset_converters/ranet_part_library.py)')
    try:
        with open(index_file) as f:
            index = json.load(f)
    except json.JSONDecodeError as err:
        raise ValueError(f'part library {index_file}: not valid JSON: '
                         f'{err}') from err
    if not isinstance(index,
                      dict) or index.get('format') != PART_LIBRARY_FORMAT:
        raise ValueError(f'part library {index_file}: expected an object '
                         f'with "format": "{PART_LIBRARY_FORMAT}"')
    if index.get('version') != PART_LIBRARY_VERSION:
        raise ValueError(f'part library {index_file}: unsupported version '
                         f'{index.get("version")!r} (expected '
                         f'{PART_LIBRARY_VERSION})')
    entries = index.get('parts')
    if not isinstance(entries, list):
        raise ValueError(f'part library {index_file}: "parts" must be a '
                         'list')
    if not entries:
        raise ValueError(f'part library {index_file}: "parts" is empty, '
                         'there is nothing to paste')
    parts = []
    for i, entry in enumerate(entries):
        where = f'part library {index_file}: parts[{i}]'
        if not isinstance(entry, dict):
            raise ValueError(f'{where} must be an object')
        missing = [
            k for k in ('file', 'name', 'side', 'body_ratio') if k not in entry
        ]
        if missing:
            raise ValueError(f'{where} lacks {missing}')
        if entry['side'] not in SIDES:
            raise ValueError(f'{where}: side must be one of {SIDES}, got '
                             f'{entry["side"]!r}')
        ratio = entry['body_ratio']
        if (isinstance(ratio, bool) or not isinstance(ratio, (int, float))
                or not 0 < ratio <= 4):
            raise ValueError(f'{where}: body_ratio must be a number in '
                             f'(0, 4], got {ratio!r}')
        path = osp.join(root, entry['file'])
        if not osp.isfile(path):
            raise FileNotFoundError(f'{where}: {path} does not exist')
        parts.append(
            dict(
                name=str(entry['name']),
                side=entry['side'],
                body_ratio=float(ratio),
                file=entry['file'],
                path=path))
    return parts


def read_part(part: dict) -> np.ndarray:
    """Read the image of one library entry and check it.

    Args:
        part (dict): An entry of :func:`load_part_library`.

    Returns:
        np.ndarray: (h, w, 4) uint8 BGRA part with a non-empty alpha.
    """
    path = part['path']
    image = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if image is None:
        raise ValueError(f'part library: cannot decode {path}')
    if image.ndim != 3 or image.shape[2] != 4 or image.dtype != np.uint8:
        raise ValueError(f'part library: {path} must be an 8-bit RGBA '
                         f'image, got shape {image.shape} {image.dtype}')
    if not image[..., 3].any():
        raise ValueError(f'part library: {path} has an empty alpha channel')
    return image
