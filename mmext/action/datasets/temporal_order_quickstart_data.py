"""Quickstart data for TEINet: videos told apart only by temporal order.

Four classes of a textured square moving across a textured, noisy
background: 0 = to the right, 1 = to the left, 2 = down, 3 = up.  Classes 0
and 1 (and 2 and 3) consist of the same frames in reverse order, so a model
that averages per-frame predictions (TSN) cannot tell them apart, while a
temporal model (TEINet) can.  Written in mmaction2's rawframe format::

    data_root/
      rawframes/{train,val}/<video>/img_00001.jpg ...
      train_list_rawframes.txt   # "<train/video> <num_frames> <label>"
      val_list_rawframes.txt

Generation is deterministic (fixed seeds) and takes a few seconds.
"""
import os
import os.path as osp

import cv2
import numpy as np

from mmext.quickstart import write_once

#: Classes and their horizontal flip partners (for ``Flip``'s
#: ``flip_label_map``): flipping a video left-right swaps 0 and 1.
CLASSES = ('move right', 'move left', 'move down', 'move up')
FLIP_LABEL_MAP = {0: 1, 1: 0}

NUM_FRAMES = 16
IMAGE_SIZE = 64
SQUARE = 14


def _texture(rng: np.random.Generator, size: int) -> np.ndarray:
    """Smooth random colour texture, uint8 (size, size, 3)."""
    coarse = rng.integers(0, 256, (size // 8 + 1, size // 8 + 1, 3),
                          dtype=np.uint8)
    return cv2.resize(coarse, (size, size), interpolation=cv2.INTER_CUBIC)


def make_video(label: int, rng: np.random.Generator) -> np.ndarray:
    """Frames (T, H, W, 3) uint8 of one video of class ``label``."""
    # A dim background and a bright, white-framed patch: the object is
    # easy to see in every frame, only its direction needs time.
    background = _texture(rng, IMAGE_SIZE) // 3
    patch = 128 + _texture(rng, SQUARE) // 2
    patch[[0, -1], :] = 255
    patch[:, [0, -1]] = 255
    travel = IMAGE_SIZE - SQUARE
    along = np.linspace(0, travel, NUM_FRAMES).round().astype(int)
    if label in (1, 3):
        along = along[::-1]
    across = int(rng.integers(0, travel + 1))
    frames = np.empty((NUM_FRAMES, IMAGE_SIZE, IMAGE_SIZE, 3), np.uint8)
    for t in range(NUM_FRAMES):
        frame = background.astype(np.int16) + rng.integers(
            -12, 13, background.shape, dtype=np.int16)
        y, x = (across, along[t]) if label in (0, 1) else (along[t], across)
        frame[y:y + SQUARE, x:x + SQUARE] = patch
        frames[t] = np.clip(frame, 0, 255).astype(np.uint8)
    return frames


def _write_split(data_root: str, split: str, per_class: int,
                 seed: int) -> None:
    rng = np.random.default_rng(seed)
    lines = []
    for index in range(per_class * len(CLASSES)):
        label = index % len(CLASSES)
        name = f'{split}/video_{index:04d}'
        frame_dir = osp.join(data_root, 'rawframes', name)
        os.makedirs(frame_dir)
        for t, frame in enumerate(make_video(label, rng)):
            cv2.imwrite(
                osp.join(frame_dir, f'img_{t + 1:05d}.jpg'),
                frame[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, 95])
        lines.append(f'{name} {NUM_FRAMES} {label}\n')
    with open(osp.join(data_root, f'{split}_list_rawframes.txt'), 'w') as f:
        f.writelines(lines)


def prepare_quickstart_data(data_root: str, train_per_class: int = 48,
                            val_per_class: int = 16) -> None:
    """Write the dataset to ``data_root`` unless it is already there."""

    def write(root: str) -> None:
        _write_split(root, 'train', train_per_class, seed=0)
        _write_split(root, 'val', val_per_class, seed=1)

    write_once(data_root, write, f'{train_per_class} {val_per_class}')
