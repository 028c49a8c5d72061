"""Deterministic synthetic face-identity data for the quickstart.

No face data set can be downloaded with the code, so the quickstart renders
"faces" whose identity lies in their geometry and texture and writes them
in the real formats: an insightface RecordIO training set
(``train.rec`` / ``train.idx``) and a ``.bin`` verification set of pairs of
*unseen* identities. The real loaders (:class:`FaceRecordIODataset`,
:class:`VerificationBinDataset`) read them.

An identity fixes the face shape, skin and hair colours, hair line, eye,
brow, nose and mouth geometry and a smooth texture; every image of it then
varies pose (shift, scale, in-plane rotation), illumination (brightness,
contrast, colour cast), background and sensor noise. Pixel distances are
therefore dominated by nuisances, so an untrained network verifies pairs
poorly, and training on identities teaches it the identity cues.
"""
import os
import os.path as osp
from typing import Dict, Iterator, List, Tuple

import cv2
import numpy as np

from mmext.quickstart import write_once
from .recordio import write_face_recordio
from .verification_bin import dump_bin

#: Generator version, part of the stamp of written data.
VERSION = 'face-quickstart-1'
IMAGE_SIZE = 112
#: Identities and images per identity of the training set.
NUM_TRAIN_IDS = 200
IMAGES_PER_TRAIN_ID = 12
#: Unseen identities, images each and pairs of the verification set.
NUM_VAL_IDS = 60
IMAGES_PER_VAL_ID = 8
NUM_VAL_PAIRS = 400
TRAIN_SEED = 2024
VAL_SEED = 7_000_000


def sample_identity(rng: np.random.RandomState) -> Dict[str, np.ndarray]:
    """Draw the identity parameters of one synthetic face."""
    return dict(
        face_axes=rng.uniform([30, 38], [42, 50]),
        face_center_y=rng.uniform(56, 64),
        skin=rng.uniform(90, 230, 3),
        hair=rng.uniform(10, 140, 3),
        hair_line=rng.uniform(-0.95, -0.45),
        eye_y=rng.uniform(42, 54),
        eye_dx=rng.uniform(11, 21),
        eye_axes=rng.uniform([3, 2], [8, 5]),
        iris=rng.uniform(0, 120, 3),
        brow_gap=rng.uniform(4, 10),
        brow_tilt=rng.uniform(-0.35, 0.35),
        nose_length=rng.uniform(8, 20),
        nose_width=rng.uniform(2, 6),
        mouth_y=rng.uniform(76, 90),
        mouth_width=rng.uniform(8, 20),
        mouth_curve=rng.uniform(-0.08, 0.08),
        lips=rng.uniform(60, 200, 3),
        texture_freq=rng.uniform(0.05, 0.25, (2, 2)),
        texture_phase=rng.uniform(0, 2 * np.pi, 2),
        texture_amp=rng.uniform(10, 35),
    )


def _ellipse(x, y, cx, cy, ax, ay):
    return ((x - cx) / ax)**2 + ((y - cy) / ay)**2 <= 1


_GRID_Y, _GRID_X = np.mgrid[0:IMAGE_SIZE, 0:IMAGE_SIZE].astype(np.float32)
# Region codes of the label map that render_face paints.
_BACKGROUND, _SKIN, _HAIR, _EYE, _BROW, _NOSE, _MOUTH = range(7)


def render_face(identity: Dict[str, np.ndarray],
                rng: np.random.RandomState) -> np.ndarray:
    """Render one RGB image of ``identity`` with random nuisances.

    Args:
        identity (dict): Parameters from :func:`sample_identity`.
        rng (np.random.RandomState): Source of the nuisances.

    Returns:
        np.ndarray: ``(112, 112, 3)`` uint8 RGB image.
    """
    # Pose: the inverse similarity maps image pixels to face coordinates.
    angle = rng.uniform(-0.15, 0.15)
    scale = rng.uniform(0.9, 1.1)
    shift = rng.uniform(-5, 5, 2)
    cx = cy = IMAGE_SIZE / 2
    dx, dy = _GRID_X - cx - shift[0], _GRID_Y - cy - shift[1]
    cos_a, sin_a = np.cos(angle), np.sin(angle)
    x = (cos_a * dx + sin_a * dy) / scale + cx
    y = (-sin_a * dx + cos_a * dy) / scale + cy

    # Paint a map of face regions, later ones on top.
    face_ay = identity['face_axes'][1]
    face_cy = identity['face_center_y']
    regions = np.zeros(x.shape, np.uint8)
    face = _ellipse(x, y, cx, face_cy, *identity['face_axes'])
    regions[face] = _SKIN
    regions[face & (y < face_cy + identity['hair_line'] * face_ay)] = _HAIR
    eye_y, eye_dx = identity['eye_y'], identity['eye_dx']
    eye_ax, eye_ay = identity['eye_axes']
    brow_y = eye_y - eye_ay - identity['brow_gap']
    for side in (-1, 1):
        eye_x = cx + side * eye_dx
        regions[_ellipse(x, y, eye_x, eye_y, eye_ax, eye_ay)] = _EYE
        brow_center = brow_y + side * identity['brow_tilt'] * (x - eye_x)
        regions[(np.abs(y - brow_center) < 1.5)
                & (np.abs(x - eye_x) < eye_ax + 2)] = _BROW
    regions[(np.abs(x - cx) < identity['nose_width'] / 2) & (y > eye_y + 2)
            & (y < eye_y + 2 + identity['nose_length'])] = _NOSE
    mouth_center = identity['mouth_y'] + identity['mouth_curve'] * (x - cx)**2
    regions[(np.abs(y - mouth_center) < 2.2)
            & (np.abs(x - cx) < identity['mouth_width'])] = _MOUTH

    # Colours: a random background gradient, the identity's palette and
    # its skin texture.
    corner = rng.uniform(0, 255, (2, 3)).astype(np.float32)
    mix = ((_GRID_X + _GRID_Y) / (2 * IMAGE_SIZE))[..., None]
    palette = np.stack([
        np.zeros(3), identity['skin'], identity['hair'], identity['iris'],
        identity['hair'] * 0.8, identity['skin'] * 0.7, identity['lips']
    ]).astype(np.float32)
    img = palette[regions]
    background = regions == _BACKGROUND
    img[background] = (corner[0] * (1 - mix) + corner[1] * mix)[background]
    freq, phase = identity['texture_freq'], identity['texture_phase']
    skin = regions == _SKIN
    texture = identity['texture_amp'] * (
        np.sin(freq[0, 0] * x + freq[0, 1] * y + phase[0]) +
        np.sin(freq[1, 0] * x - freq[1, 1] * y + phase[1])) / 2
    img[skin] += texture[skin][:, None]

    # Illumination, colour cast and sensor noise.
    contrast = rng.uniform(0.6, 1.3)
    brightness = rng.uniform(-50, 50)
    cast = rng.uniform(-25, 25, 3)
    img = (img - 128) * contrast + (128 + brightness + cast)
    img += rng.randint(-14, 15, img.shape)  # uniform noise, std ~8
    return np.clip(img, 0, 255).astype(np.uint8)


def _encode(rgb: np.ndarray) -> bytes:
    ok, buf = cv2.imencode('.jpg', cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR),
                           [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok, 'JPEG encoding failed'
    return buf.tobytes()


def make_train_images() -> Iterator[bytes]:
    """Encoded training images, identity after identity."""
    for label in range(NUM_TRAIN_IDS):
        rng = np.random.RandomState(TRAIN_SEED + label)
        identity = sample_identity(rng)
        for _ in range(IMAGES_PER_TRAIN_ID):
            yield _encode(render_face(identity, rng))


def make_val_pairs() -> Tuple[List[bytes], List[bool]]:
    """Pairs of unseen identities: alternately same and different."""
    images = []
    for index in range(NUM_VAL_IDS):
        rng = np.random.RandomState(VAL_SEED + index)
        identity = sample_identity(rng)
        images.append([
            _encode(render_face(identity, rng))
            for _ in range(IMAGES_PER_VAL_ID)
        ])
    rng = np.random.RandomState(VAL_SEED - 1)
    bins, issame = [], []
    for i in range(NUM_VAL_PAIRS):
        same = i % 2 == 0
        if same:
            identity = rng.randint(NUM_VAL_IDS)
            first, second = rng.choice(IMAGES_PER_VAL_ID, 2, replace=False)
            pair = images[identity][first], images[identity][second]
        else:
            id1, id2 = rng.choice(NUM_VAL_IDS, 2, replace=False)
            pair = (images[id1][rng.randint(IMAGES_PER_VAL_ID)],
                    images[id2][rng.randint(IMAGES_PER_VAL_ID)])
        bins.extend(pair)
        issame.append(same)
    return bins, issame


def write_train_set(root: str) -> np.ndarray:
    """Write ``train.rec`` / ``train.idx`` under ``root`` (created).

    Returns:
        np.ndarray: The label of every image, in record order.
    """
    os.makedirs(root, exist_ok=True)
    labels = np.repeat(np.arange(NUM_TRAIN_IDS), IMAGES_PER_TRAIN_ID)
    write_face_recordio(
        osp.join(root, 'train.rec'), labels, make_train_images(),
        osp.join(root, 'train.idx'))
    return labels


def _write(root: str) -> None:
    write_train_set(root)
    bins, issame = make_val_pairs()
    dump_bin(osp.join(root, 'val.bin'), bins, issame)


def prepare_quickstart_data(data_root: str) -> str:
    """Write the quickstart face data under ``data_root`` if missing.

    Writes ``train.rec`` / ``train.idx`` (200 identities x 12 images) and
    ``val.bin`` (400 pairs of 60 unseen identities), 112x112 JPEG. The
    output depends on nothing but the code; a complete set of the current
    :data:`VERSION` is left alone, and an interrupted run leaves no
    half-written one (:func:`mmext.quickstart.write_once`).

    Args:
        data_root (str): The folder to write into.

    Returns:
        str: ``data_root``.
    """
    return write_once(data_root, _write,
                      f'{VERSION} {TRAIN_SEED} {VAL_SEED}')
