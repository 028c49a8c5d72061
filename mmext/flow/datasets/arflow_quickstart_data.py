"""Deterministic quickstart data for ARFlow in the MPI Sintel layout.

Every scene is a short sequence rendered from known geometry, so the flow
is exact: a textured background moving by a smooth affine motion (zoom,
rotation and a translation of several pixels about the image centre) and
one to three textured ellipses translating in front of it, occluding it and
each other.  Textures are multi-scale ("fractal") procedural noise with
soft-edged colour regions, i.e. structure at every scale from the frame
size down to two pixels, like natural images; each frame samples its
layers' textures at the exact source point of every pixel (bicubic
interpolation of the texture raster).  The motions are drawn so that the
mean flow is 4.8 px (4.1 px on the quickstart test scenes 42-47), i.e.
more than one pixel at PWC-Lite's 1/4 resolution output.  Written as::

    <root>/training/clean/scene_XX/frame_%04d.png   rendered frames
    <root>/training/final/scene_XX/frame_%04d.png   blurred, regraded, noisy
    <root>/training/flow/scene_XX/frame_%04d.flo    flow to the next frame
    <root>/training/occlusions/scene_XX/frame_%04d.png  255 = occluded
    <root>/training/invalid/scene_XX/frame_%04d.png     all 0

so :class:`~mmext.flow.datasets.SintelDataset` reads it as it reads MPI
Sintel.  The model never sees the flow files during training.
"""
import os
import os.path as osp
from typing import Optional, Sequence

import cv2
import numpy as np

from mmext.quickstart import write_once
from .flow_io import read_flo, write_flo

#: Generator version, part of the stamp of written data.
VERSION = 'arflow-quickstart-2'
#: scenes, frames per scene, frame height and width
NUM_SCENES = 48
NUM_FRAMES = 4
HEIGHT, WIDTH = 64, 128
#: texture rasters cover the frame plus this margin on every side (px)
MARGIN = 48


def _fractal_noise(rng: np.random.Generator, size: int,
                   octaves: int = 7) -> np.ndarray:
    """Zero-mean, unit-std multi-scale noise: a (size, size) float32 field.

    Octave ``o`` is white noise on a ``2^(o + 1)`` grid, bicubically
    upsampled, with amplitude ``2^(-0.5 o)`` (a 1/f-like spectrum, flatter than
    natural images' so that fine detail is kept).
    """
    field = np.zeros((size, size), np.float32)
    for o in range(octaves):
        cells = 2**(o + 1)
        coarse = rng.normal(size=(cells + 3, cells + 3)).astype(np.float32)
        up = cv2.resize(coarse, (size * (cells + 3) // cells, ) * 2,
                        interpolation=cv2.INTER_CUBIC)
        field += 2**(-0.5 * o) * up[size // cells:size // cells + size,
                                    size // cells:size // cells + size]
    return (field - field.mean()) / field.std()


def _texture(rng: np.random.Generator, size: int) -> np.ndarray:
    """A (size, size, 3) RGB texture in [0, 1].

    A smooth multi-scale colour field plus two or three soft-edged regions
    of random colour (level sets of further noise fields).
    """
    colour = np.einsum('khw,kc->hwc',
                       np.stack([_fractal_noise(rng, size) for _ in range(3)]),
                       rng.normal(size=(3, 3)) / np.sqrt(3))
    img = rng.uniform(0.35, 0.65, 3) + 0.2 * colour
    for _ in range(rng.integers(2, 4)):
        region = 1 / (1 + np.exp(-4 * _fractal_noise(rng, size)))
        tint = rng.uniform(0, 1, 3)
        alpha = rng.uniform(0.25, 0.5)
        img = img * (1 - alpha * region[..., None]) + \
            alpha * region[..., None] * tint
    return np.clip(img, 0, 1).astype(np.float32)


def _sample(texture: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Bicubic samples of a texture raster at frame coordinates (x, y);
    frame pixel (0, 0) is raster pixel (MARGIN, MARGIN)."""
    return cv2.remap(texture, (x + MARGIN).astype(np.float32),
                     (y + MARGIN).astype(np.float32), cv2.INTER_CUBIC,
                     borderMode=cv2.BORDER_REFLECT101)


def _affine(rng: np.random.Generator) -> np.ndarray:
    """Background motion: 3x3 map of pixel coordinates, frame k -> k+1."""
    zoom = 1 + rng.uniform(-0.05, 0.05)
    rot = rng.uniform(-0.05, 0.05)
    speed, heading = rng.uniform(3, 8), rng.uniform(0, 2 * np.pi)
    c = np.array([(WIDTH - 1) / 2, (HEIGHT - 1) / 2])
    m = zoom * np.array([[np.cos(rot), -np.sin(rot)],
                         [np.sin(rot), np.cos(rot)]])
    a = np.eye(3)
    a[:2, :2] = m
    a[:2, 2] = c - m @ c + speed * np.array(
        [np.cos(heading), 0.6 * np.sin(heading)])
    return a


def _ellipse(xs: np.ndarray, ys: np.ndarray, centre: np.ndarray,
             axes: np.ndarray, angle: float) -> np.ndarray:
    """Boolean mask of the pixels inside an ellipse."""
    dx, dy = xs - centre[0], ys - centre[1]
    u = np.cos(angle) * dx + np.sin(angle) * dy
    v = -np.sin(angle) * dx + np.cos(angle) * dy
    return (u / axes[0])**2 + (v / axes[1])**2 <= 1


def render_scene(seed: int) -> dict:
    """Frames, flows and occlusion maps of one scene.

    Args:
        seed (int): the scene's random seed (its index).

    Returns:
        dict: ``frames`` (N, H, W, 3) float in [0, 1], ``flows``
        (N - 1, H, W, 2) float32 (u, v) to the next frame and
        ``occlusions`` (N - 1, H, W) bool, True where a pixel is hidden in
        or leaves the next frame.
    """
    rng = np.random.default_rng(seed)
    size = max(HEIGHT, WIDTH) + 2 * MARGIN
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    back = _texture(rng, size)
    motion = _affine(rng)
    objects = []
    for _ in range(rng.integers(1, 4)):
        speed, heading = rng.uniform(3, 10), rng.uniform(0, 2 * np.pi)
        objects.append(
            dict(
                texture=_texture(rng, size),
                centre=rng.uniform([24, 16], [WIDTH - 24, HEIGHT - 16]),
                axes=rng.uniform([8, 6], [20, 14]),
                angle=rng.uniform(0, np.pi),
                velocity=speed * np.array([np.cos(heading),
                                           np.sin(heading)])))
    frames, layers = [], []
    inv = np.eye(3)
    for k in range(NUM_FRAMES):
        # background: the canvas point shown at p is A^-k p
        img = _sample(back, inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2],
                      inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2])
        layer = np.zeros((HEIGHT, WIDTH), np.int64)
        for j, obj in enumerate(objects, 1):
            shift = k * obj['velocity']
            inside = _ellipse(xs, ys, obj['centre'] + shift, obj['axes'],
                              obj['angle'])
            tex = _sample(obj['texture'], xs - shift[0], ys - shift[1])
            img[inside] = tex[inside]
            layer[inside] = j
        frames.append(np.clip(img, 0, 1))
        layers.append(layer)
        inv = inv @ np.linalg.inv(motion)
    # flow k -> k+1: the background moves by A p - p, object j by its
    # velocity
    back_flow = np.stack([
        motion[0, 0] * xs + motion[0, 1] * ys + motion[0, 2] - xs,
        motion[1, 0] * xs + motion[1, 1] * ys + motion[1, 2] - ys
    ], -1)
    flows, occlusions = [], []
    for k in range(NUM_FRAMES - 1):
        flow = back_flow.copy()
        for j, obj in enumerate(objects, 1):
            flow[layers[k] == j] = obj['velocity']
        tx, ty = xs + flow[..., 0], ys + flow[..., 1]
        out = (tx < 0) | (tx > WIDTH - 1) | (ty < 0) | (ty > HEIGHT - 1)
        qx = np.clip(np.round(tx), 0, WIDTH - 1).astype(np.int64)
        qy = np.clip(np.round(ty), 0, HEIGHT - 1).astype(np.int64)
        hidden = layers[k + 1][qy, qx] != layers[k]
        flows.append(flow.astype(np.float32))
        occlusions.append(out | hidden)
    return dict(
        frames=np.stack(frames),
        flows=np.stack(flows),
        occlusions=np.stack(occlusions))


def final_pass(frames: np.ndarray, seed: int) -> np.ndarray:
    """Sintel-"final"-like degradation: blur, a colour grade and noise.

    Args:
        frames (np.ndarray): (N, H, W, 3) clean frames in [0, 1].
        seed (int): the scene's seed.

    Returns:
        np.ndarray: (N, H, W, 3) degraded frames in [0, 1].
    """
    rng = np.random.default_rng(seed + 1000)
    gain = rng.uniform(0.8, 1.1, 3)
    out = []
    for img in frames:
        img = cv2.GaussianBlur(img, (0, 0), 0.8)
        img = np.clip(img * gain, 0, 1)**1.2
        img = img + rng.normal(0, 0.01, img.shape)
        out.append(np.clip(img, 0, 1))
    return np.stack(out)


def _write_png(path: str, img: np.ndarray) -> None:
    os.makedirs(osp.dirname(path), exist_ok=True)
    if img.ndim == 3:
        img = img[..., ::-1]  # RGB -> BGR for OpenCV
    if not cv2.imwrite(path, img):
        raise IOError(f'cannot write {path}')


def _write(root: str) -> None:
    train = osp.join(root, 'training')
    for s in range(NUM_SCENES):
        scene = f'scene_{s:02d}'
        data = render_scene(s)
        passes = dict(
            clean=data['frames'], final=final_pass(data['frames'], s))
        for name, frames in passes.items():
            for k, img in enumerate(frames):
                _write_png(
                    osp.join(train, name, scene, f'frame_{k + 1:04d}.png'),
                    (img * 255).round().astype(np.uint8))
        for k, (flow,
                occ) in enumerate(zip(data['flows'], data['occlusions'])):
            stem = f'frame_{k + 1:04d}'
            write_flo(osp.join(train, 'flow', scene, stem + '.flo'), flow)
            _write_png(
                osp.join(train, 'occlusions', scene, stem + '.png'),
                occ.astype(np.uint8) * 255)
            _write_png(
                osp.join(train, 'invalid', scene, stem + '.png'),
                np.zeros(occ.shape, np.uint8))


def prepare_quickstart_data(data_root: str) -> str:
    """Write the quickstart set under ``data_root`` unless already there.

    A complete set of the current :data:`VERSION` is left alone, and an
    interrupted run leaves no half-written one
    (:func:`mmext.quickstart.write_once`).

    Returns:
        str: ``data_root``.
    """
    return write_once(data_root, _write, VERSION)


def zero_flow_epe(data_root: str,
                  scenes: Optional[Sequence[str]] = None) -> float:
    """EPE of predicting zero flow, over the flow files of ``scenes``.

    The mean over all pixels of all pairs (the clean and final passes share
    the flow, so this is also the mean over both passes), i.e. what
    :class:`~mmext.flow.evaluation.EndPointError` reports for an all-zero
    prediction.

    Args:
        data_root (str): the quickstart (Sintel-layout) root.
        scenes (Sequence[str], optional): scene folders, e.g.
            ``['scene_42', ...]``. Default: all.

    Returns:
        float: mean flow magnitude in pixels.
    """
    flow_root = osp.join(data_root, 'training', 'flow')
    scenes = scenes or sorted(os.listdir(flow_root))
    norms = [
        np.linalg.norm(read_flo(osp.join(flow_root, scene, name)), axis=-1)
        for scene in scenes
        for name in sorted(os.listdir(osp.join(flow_root, scene)))
    ]
    return float(np.mean(norms))


def quickstart_zero_flow_epe(cfg) -> float:
    """:func:`zero_flow_epe` on the test scenes of a quickstart config
    (``quickstart.reference.compute`` of ``tools/quickstart.py``).

    Args:
        cfg (mmengine.Config): a config with ``data_root`` and
            ``test_dataloader.dataset.scenes``.
    """
    return zero_flow_epe(cfg.data_root, cfg.test_dataloader.dataset.scenes)
