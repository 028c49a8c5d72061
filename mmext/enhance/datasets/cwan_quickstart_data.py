"""Deterministic quickstart data for CWAN in the LOL-v1 layout.

Every scene is a 64x64 normal-light image built from known parts: a
smooth low-saturation background (a two-colour gradient plus gentle
multi-scale shading), two to four saturated objects (ellipses and
rectangles of random hue, some with a second tint) and one or two
textured patches (stripes, a checkerboard or fine noise).  Its low-light
twin, as LOL's capture process roughly does it:

1. gamma, x^g with g ~ U(1.0, 1.4) (dark scenes lose mid-tones);
2. exposure x k, k ~ U(0.05, 0.2);
3. a colour cast: per-channel gains ~ U(0.8, 1.2);
4. Poisson-Gaussian sensor noise: Poisson(x peak) / peak with peak ~
   U(300, 1000) photons at white, plus Gaussian read noise sigma ~
   U(0.002, 0.006);
5. uint8 quantisation.

Written as ``our485/{low,high}/<i>.png`` (scenes 0-47) and
``eval15/{low,high}/<i>.png`` (scenes 48-59), i.e. LOL-v1's layout, so
:class:`~mmext.enhance.datasets.PairedImageDataset` (``layout='lol_v1'``)
reads it as it reads LOL.
"""
import os
import os.path as osp

import cv2
import numpy as np

from mmext.quickstart import write_once

#: Generator version, part of the stamp of written data.
VERSION = 'cwan-quickstart-1'
NUM_TRAIN, NUM_TEST = 48, 12
SIZE = 64


def _hue_rgb(hue: float, sat: float, val: float) -> np.ndarray:
    """An RGB colour in [0, 1] from HSV (hue in [0, 1))."""
    hsv = np.array([[[hue * 179., sat * 255., val * 255.]]], np.float32)
    rgb = cv2.cvtColor(hsv.astype(np.uint8), cv2.COLOR_HSV2RGB)
    return rgb[0, 0].astype(np.float64) / 255.


def _smooth_field(rng: np.random.Generator) -> np.ndarray:
    """(SIZE, SIZE) smooth zero-mean shading, unit std."""
    coarse = rng.normal(size=(4, 4)).astype(np.float32)
    field = cv2.resize(coarse, (SIZE, SIZE), interpolation=cv2.INTER_CUBIC)
    return (field - field.mean()) / (field.std() + 1e-6)


def render_scene(seed: int) -> np.ndarray:
    """One normal-light scene.

    Args:
        seed (int): the scene's index.

    Returns:
        np.ndarray: (SIZE, SIZE, 3) float64 RGB in [0, 1].
    """
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:SIZE, 0:SIZE] / (SIZE - 1.)
    # background: a gradient between two muted colours, gently shaded
    c0 = _hue_rgb(rng.uniform(), rng.uniform(0.05, 0.3), rng.uniform(0.5, 0.9))
    c1 = _hue_rgb(rng.uniform(), rng.uniform(0.05, 0.3), rng.uniform(0.4, 0.8))
    angle = rng.uniform(0, 2 * np.pi)
    t = np.clip(0.5 + (np.cos(angle) * (xs - 0.5) + np.sin(angle) *
                       (ys - 0.5)), 0, 1)[..., None]
    img = (1 - t) * c0 + t * c1
    img = img * (1 + 0.08 * _smooth_field(rng)[..., None])
    # saturated objects
    for _ in range(rng.integers(2, 5)):
        colour = _hue_rgb(rng.uniform(), rng.uniform(0.6, 1.),
                          rng.uniform(0.5, 1.))
        cx, cy = rng.uniform(0.1, 0.9, 2)
        rx, ry = rng.uniform(0.08, 0.25, 2)
        if rng.uniform() < 0.5:
            inside = ((xs - cx) / rx)**2 + ((ys - cy) / ry)**2 <= 1
        else:
            inside = (np.abs(xs - cx) <= rx) & (np.abs(ys - cy) <= ry)
        shade = 1 + 0.1 * _smooth_field(rng)
        img[inside] = colour * shade[inside][:, None]
        if rng.uniform() < 0.4:  # a second tint on part of the object
            tint = _hue_rgb(rng.uniform(), rng.uniform(0.6, 1.), 0.9)
            half = inside & (xs > cx)
            img[half] = 0.5 * img[half] + 0.5 * tint
    # textured patches
    for _ in range(rng.integers(1, 3)):
        x0, y0 = rng.integers(0, SIZE - 16, 2)
        w, h = rng.integers(12, 24, 2)
        patch = (slice(y0, y0 + h), slice(x0, x0 + w))
        kind = rng.integers(3)
        py, px = np.mgrid[0:SIZE, 0:SIZE][0][patch], \
            np.mgrid[0:SIZE, 0:SIZE][1][patch]
        if kind == 0:  # stripes
            period = rng.integers(2, 6)
            pattern = ((px + py * rng.integers(0, 2)) // period) % 2
        elif kind == 1:  # checkerboard
            period = rng.integers(2, 5)
            pattern = (px // period + py // period) % 2
        else:  # fine noise
            pattern = rng.uniform(size=px.shape)
        a = _hue_rgb(rng.uniform(), rng.uniform(0., 1.), rng.uniform(0.6, 1.))
        b = _hue_rgb(rng.uniform(), rng.uniform(0., 1.), rng.uniform(0.1, 0.5))
        img[patch] = pattern[..., None] * a + (1 - pattern[..., None]) * b
    return np.clip(img, 0, 1)


def darken(img: np.ndarray, seed: int) -> np.ndarray:
    """The low-light version of a scene (module docstring, steps 1-5).

    Args:
        img (np.ndarray): (H, W, 3) float RGB in [0, 1].
        seed (int): the scene's index.

    Returns:
        np.ndarray: (H, W, 3) uint8 RGB.
    """
    rng = np.random.default_rng(seed + 10000)
    dark = img**rng.uniform(1.0, 1.4) * rng.uniform(0.05, 0.2)
    dark = dark * rng.uniform(0.8, 1.2, 3)
    peak = rng.uniform(300, 1000)
    dark = rng.poisson(np.clip(dark, 0, 1) * peak) / peak
    dark = dark + rng.normal(0, rng.uniform(0.002, 0.006), dark.shape)
    return (np.clip(dark, 0, 1) * 255).round().astype(np.uint8)


def _write_png(path: str, img: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if not cv2.imwrite(path, np.ascontiguousarray(img[..., ::-1])):
        raise IOError(f'cannot write {path}')


def _write(root: str) -> None:
    for i in range(NUM_TRAIN + NUM_TEST):
        split = 'our485' if i < NUM_TRAIN else 'eval15'
        scene = render_scene(i)
        _write_png(osp.join(root, split, 'high', f'{i}.png'),
                   (scene * 255).round().astype(np.uint8))
        _write_png(osp.join(root, split, 'low', f'{i}.png'), darken(scene, i))


def prepare_quickstart_data(data_root: str) -> str:
    """Write the quickstart set under ``data_root`` unless already there
    (:func:`mmext.quickstart.write_once`).

    Returns:
        str: ``data_root``.
    """
    return write_once(data_root, _write, VERSION)
