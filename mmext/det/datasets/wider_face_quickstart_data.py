"""Quickstart data for WIDER FACE detectors: synthetic faces, official layout.

:func:`prepare_quickstart_data` writes, deterministically, a small dataset
in the exact on-disk layout of the WIDER FACE release, so
:class:`WIDERFaceTxtDataset` and :class:`WIDERFaceMetric` read it unchanged::

    <data_root>/WIDER_train/images/<event>/<name>.jpg   (48 images)
    <data_root>/WIDER_val/images/<event>/<name>.jpg     (24 images)
    <data_root>/WIDER_test/images/<event>/<name>.jpg    (8 images)
    <data_root>/wider_face_split/wider_face_train_bbx_gt.txt
    <data_root>/wider_face_split/wider_face_val_bbx_gt.txt
    <data_root>/wider_face_split/wider_face_test_filelist.txt
    <data_root>/eval_tools/ground_truth/wider_face_val.mat
    <data_root>/eval_tools/ground_truth/wider_{easy,medium,hard}_val.mat

Events are four real WIDER event names (``0--Parade``, ...); image names
follow the official pattern, e.g. ``0--Parade/0_Parade_val_4.jpg``.
Images are 320 x 240 or 288 x 256 tinted grey textures with coloured
rectangles and discs as distractors and up to six faces: a skin-coloured
ellipse with hair, two eyes, eyebrows and a mouth.  Face heights come from
four ranges, scaled down from WIDER's to the small images: large
(48-96 px), medium (24-48 px), small (12-24 px) and tiny (7-11 px).  A
face's annotation line is ``x1 y1 w h blur expression illumination
invalid occlusion pose`` with ``blur`` 0 (clear), 1 (normal,
Gaussian sigma 1) or 2 (heavy, sigma ~ h / 5); about 5 % of the faces are
drawn at low contrast and marked ``invalid``.  The settings of the
validation ``.mat`` files are nested as the official ones (easy within
medium within hard):

* hard: every valid face at least 12 px high;
* medium: valid faces at least 24 px high that are not heavily blurred;
* easy: valid faces at least 48 px high and clear.

Tiny and invalid faces are in no setting, so detections on them are
discarded by the evaluation.  About 8 % of the images have no face; they
are written as in the official files (count 0, then a line of ten zeros),
and empty setting lists are stored as ``0 x 1`` uint8 arrays.
"""
import os
import os.path as osp
from typing import Dict, List, Tuple

import cv2
import numpy as np

from mmext.quickstart import write_once
from .wider_face_io import SETTINGS, WIDERFaceGroundTruth, save_wider_face_gt

#: Bumped when the generated data changes; a cache of another version is
#: rewritten.
VERSION = '2'
NUM_IMAGES = dict(train=48, val=24, test=8)
EVENTS = ('0--Parade', '1--Handshaking', '2--Demonstration', '4--Dancing')
SIZES = ((320, 240), (288, 256))  # (width, height)
#: Face height ranges (px) and their probabilities.
SCALES = (((48, 96), .3), ((24, 48), .3), ((12, 24), .3), ((7, 11), .1))
_MARKER = '.complete'


def _background(rng: np.random.Generator, width: int,
                height: int) -> np.ndarray:
    """Smooth grey texture, a colour tint, fine grain and distractors."""
    coarse = rng.uniform(60, 190, (height // 16 + 1, width // 16 + 1, 1))
    image = cv2.resize(coarse, (width, height), interpolation=cv2.INTER_CUBIC)
    image = image[..., None] + rng.uniform(-20, 20, 3)
    image += rng.normal(0, 6, image.shape)
    image = np.clip(image, 0, 255).astype(np.uint8)
    for _ in range(int(rng.integers(2, 7))):
        color = tuple(int(c) for c in rng.integers(0, 256, 3))
        x, y = int(rng.integers(0, width)), int(rng.integers(0, height))
        size = int(rng.integers(6, 50))
        if rng.random() < .5:
            cv2.rectangle(image, (x, y), (x + size, y + int(size * .7)), color,
                          -1)
        else:
            cv2.circle(image, (x, y), size // 2, color, -1)
    return image


def _place_faces(rng: np.random.Generator, width: int,
                 height: int) -> List[Tuple[int, int, int, int]]:
    """Non-overlapping ``(x, y, w, h)`` face boxes at several scales."""
    ranges = [r for r, _ in SCALES]
    probs = np.array([p for _, p in SCALES])
    boxes = []
    num = 0 if rng.random() < .08 else int(rng.integers(1, 7))
    for _ in range(num):
        lo, hi = ranges[rng.choice(len(ranges), p=probs)]
        for _ in range(20):  # rejection sampling of a free spot
            h = int(rng.integers(lo, hi + 1))
            w = int(round(h * rng.uniform(.7, .85)))
            x = int(rng.integers(1, width - w - 1))
            y = int(rng.integers(1, height - h - 1))
            if all(x + w + 3 < bx or bx + bw + 3 < x or y + h + 3 < by or by +
                   bh + 3 < y for bx, by, bw, bh in boxes):
                boxes.append((x, y, w, h))
                break
    return boxes


def _draw_face(rng: np.random.Generator, image: np.ndarray,
               box: Tuple[int, int, int,
                          int], blur: int, invalid: bool) -> None:
    """Draw a face filling ``box``, blurred and faded as annotated."""
    x, y, w, h = box
    pad = max(w, h)
    x0, y0 = max(x - pad, 0), max(y - pad, 0)
    x1 = min(x + w + pad, image.shape[1])
    y1 = min(y + h + pad, image.shape[0])
    patch = image[y0:y1, x0:x1].copy()
    cx, cy = x - x0 + w / 2, y - y0 + h / 2
    skin = np.array(
        [rng.uniform(60, 110),
         rng.uniform(110, 170),
         rng.uniform(170, 235)])  # BGR skin tones
    dark = tuple(float(v) for v in skin * rng.uniform(.15, .35))

    def pt(u: float, v: float) -> Tuple[int, int]:
        return int(round(cx + u * w)), int(round(cy + v * h))

    def axes(u: float, v: float) -> Tuple[int, int]:
        return max(int(round(u * w)), 1), max(int(round(v * h)), 1)

    cv2.ellipse(patch, pt(0, 0), axes(.5, .5), 0, 0, 360,
                tuple(float(v) for v in skin), -1, cv2.LINE_AA)
    cv2.ellipse(patch, pt(0, -.34), axes(.5, .16), 0, 180, 360,
                tuple(float(v) for v in skin * .3), -1, cv2.LINE_AA)  # hair
    for side in (-1, 1):
        cv2.ellipse(patch, pt(side * .19, -.06), axes(.08, .055), 0, 0, 360,
                    dark, -1, cv2.LINE_AA)
        cv2.line(patch, pt(side * .28, -.17), pt(side * .1, -.17), dark,
                 max(h // 24, 1), cv2.LINE_AA)
    cv2.ellipse(patch, pt(0, .22), axes(.17, .07), 0, 0, 180, dark,
                max(h // 20, 1), cv2.LINE_AA)
    original = image[y0:y1, x0:x1].astype(np.float64)
    weight = np.zeros(patch.shape[:2])
    if blur:
        sigma = 1. if blur == 1 else h / 5
        patch = cv2.GaussianBlur(patch, (0, 0), sigma)
        # the blur fades out around the face, leaving no square seam
        cv2.ellipse(weight, pt(0, 0), axes(.6, .6), 0, 0, 360, 1., -1)
        weight = cv2.GaussianBlur(weight, (0, 0), max(sigma, 1.))
    else:
        cv2.ellipse(weight, pt(0, 0), axes(.5, .5), 0, 0, 360, 1., -1,
                    cv2.LINE_AA)
        weight = np.maximum(weight, (patch != original).any(2))
    if invalid:  # faded into the background
        weight *= .25
    image[y0:y1, x0:x1] = np.round(original + weight[..., None] *
                                   (patch - original)).astype(np.uint8)


def _make_image(rng: np.random.Generator) -> Tuple[np.ndarray, np.ndarray]:
    """An image and its ``(N, 10)`` annotation lines."""
    width, height = SIZES[rng.integers(len(SIZES))]
    image = _background(rng, width, height)
    lines = []
    for box in _place_faces(rng, width, height):
        blur = int(rng.choice(3, p=[.7, .2, .1]))
        invalid = bool(rng.random() < .05)
        _draw_face(rng, image, box, blur, invalid)
        lines.append([*box, blur, 0, 0, int(invalid), 0, 0])
    return image, np.array(lines, dtype=np.int64).reshape(-1, 10)


def _settings(faces: np.ndarray) -> Dict[str, np.ndarray]:
    """0-based indices of the faces of each setting (see module doc)."""
    h, blur, valid = faces[:, 3], faces[:, 4], faces[:, 7] == 0
    return dict(
        easy=np.flatnonzero(valid & (h >= 48) & (blur == 0)),
        medium=np.flatnonzero(valid & (h >= 24) & (blur < 2)),
        hard=np.flatnonzero(valid & (h >= 12)))


def _write(root: str, seed: int) -> None:
    rng = np.random.default_rng(seed)
    split_dir = osp.join(root, 'wider_face_split')
    os.makedirs(split_dir)
    val_gt = WIDERFaceGroundTruth(
        list(EVENTS), [[] for _ in EVENTS], [[] for _ in EVENTS],
        {s: [[] for _ in EVENTS]
         for s in SETTINGS})
    for split, num in NUM_IMAGES.items():
        listing = []
        # grouped by event, as the official files
        for e, k in sorted((k % len(EVENTS), k) for k in range(num)):
            event = EVENTS[e]
            name = (f'{event.split("--")[0]}_{event.split("--")[1]}_'
                    f'{split}_{k}')
            rel = f'{event}/{name}.jpg'
            image, faces = _make_image(rng)
            path = osp.join(root, f'WIDER_{split}', 'images', rel)
            os.makedirs(osp.dirname(path), exist_ok=True)
            cv2.imwrite(path, image)
            if split == 'test':
                listing.append(rel)
                continue
            listing += [rel, str(len(faces))]
            listing += [' '.join(map(str, f)) for f in faces.tolist()]
            if not len(faces):
                listing.append(' '.join(['0'] * 10))
            if split == 'val':
                val_gt.images[e].append(name)
                val_gt.boxes[e].append(faces[:, :4].astype(np.float64))
                for setting, keep in _settings(faces).items():
                    val_gt.keep[setting][e].append(keep)
        filename = ('wider_face_test_filelist.txt'
                    if split == 'test' else f'wider_face_{split}_bbx_gt.txt')
        with open(osp.join(split_dir, filename), 'w') as f:
            f.write('\n'.join(listing) + '\n')
    save_wider_face_gt(osp.join(root, 'eval_tools', 'ground_truth'), val_gt)


def prepare_quickstart_data(data_root: str, seed: int = 2021) -> str:
    """Write the WIDER FACE quickstart data into ``data_root`` unless present.

    Idempotent: a complete dataset of the current :data:`VERSION` and seed
    is left alone; anything else is replaced.  The data is written to a
    temporary folder first and moved into place, so an interrupted run
    leaves no half-written dataset.

    Args:
        data_root (str): Destination folder (the layout is in the module
            docstring).
        seed (int): Seed of the generator. Defaults to 2021.

    Returns:
        str: ``data_root``.
    """
    return write_once(data_root, lambda tmp: _write(tmp, seed),
                      f'{VERSION} {seed}', _MARKER)
