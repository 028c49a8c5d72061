"""Deterministic quickstart data for ARFlow in the MPI Sintel layout.

Every scene is a short sequence rendered analytically, so the flow is known
exactly: a textured background moving by a smooth affine motion (zoom,
rotation, translation about the image centre) and textured discs moving by
their own translations in front of it, occluding it.  Textures are sums of
random sinusoids over several scales, evaluated at the exact source point
of every pixel (no resampling).  Written as::

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

import cv2
import numpy as np

from mmext.quickstart import write_once
from .flow_io import write_flo

#: Generator version, part of the stamp of written data.
VERSION = 'arflow-quickstart-1'
#: scenes, frames per scene, frame height and width
NUM_SCENES = 48
NUM_FRAMES = 4
HEIGHT, WIDTH = 64, 128


def _texture(rng: np.random.Generator, n_waves: int = 24):
    """A random RGB texture as a function of continuous coordinates."""
    freq = np.exp(rng.uniform(np.log(0.05), np.log(0.9), n_waves))
    angle = rng.uniform(0, np.pi, n_waves)
    kx, ky = freq * np.cos(angle), freq * np.sin(angle)
    phase = rng.uniform(0, 2 * np.pi, n_waves)
    mix = rng.normal(size=(n_waves, 3)) / np.sqrt(n_waves)
    base = rng.uniform(0.3, 0.7, 3)

    def render(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        waves = np.sin(kx[:, None, None] * x + ky[:, None, None] * y +
                       phase[:, None, None])  # (K, H, W)
        rgb = np.einsum('khw,kc->hwc', waves, mix)
        return np.clip(base + 0.5 * np.tanh(rgb), 0, 1)

    return render


def _affine(rng: np.random.Generator) -> np.ndarray:
    """Background motion: 3x3 map of pixel coordinates, frame k -> k+1."""
    zoom = 1 + rng.uniform(-0.04, 0.04)
    rot = rng.uniform(-0.04, 0.04)
    tx, ty = rng.uniform(-3, 3), rng.uniform(-2, 2)
    c = np.array([(WIDTH - 1) / 2, (HEIGHT - 1) / 2])
    m = zoom * np.array([[np.cos(rot), -np.sin(rot)],
                         [np.sin(rot), np.cos(rot)]])
    a = np.eye(3)
    a[:2, :2] = m
    a[:2, 2] = c - m @ c + [tx, ty]
    return a


def render_scene(seed: int) -> dict:
    """Frames, flows and occlusion maps of one scene.

    Returns:
        dict: ``frames`` (N, H, W, 3) float in [0, 1], ``flows``
        (N - 1, H, W, 2) and ``occlusions`` (N - 1, H, W) bool.
    """
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    back = _texture(rng)
    motion = _affine(rng)
    discs = []
    for _ in range(rng.integers(1, 3)):
        discs.append(
            dict(
                texture=_texture(rng),
                centre=rng.uniform([20, 16], [WIDTH - 20, HEIGHT - 16]),
                radius=rng.uniform(9, 16),
                velocity=rng.uniform([-5, -3], [5, 3])))
    frames, layers = [], []
    inv = np.eye(3)
    for k in range(NUM_FRAMES):
        # background: the canvas point shown at p is A^-k p
        bx = inv[0, 0] * xs + inv[0, 1] * ys + inv[0, 2]
        by = inv[1, 0] * xs + inv[1, 1] * ys + inv[1, 2]
        img = back(bx, by)
        layer = np.zeros((HEIGHT, WIDTH), np.int64)
        for j, disc in enumerate(discs, 1):
            cx, cy = disc['centre'] + k * disc['velocity']
            inside = (xs - cx)**2 + (ys - cy)**2 <= disc['radius']**2
            tex = disc['texture'](xs - k * disc['velocity'][0],
                                  ys - k * disc['velocity'][1])
            img[inside] = tex[inside]
            layer[inside] = j
        frames.append(img)
        layers.append(layer)
        inv = inv @ np.linalg.inv(motion)
    # flow k -> k+1: the background moves by A p - p, disc j by its velocity
    back_flow = np.stack([
        motion[0, 0] * xs + motion[0, 1] * ys + motion[0, 2] - xs,
        motion[1, 0] * xs + motion[1, 1] * ys + motion[1, 2] - ys
    ], -1)
    flows, occlusions = [], []
    for k in range(NUM_FRAMES - 1):
        flow = back_flow.copy()
        for j, disc in enumerate(discs, 1):
            flow[layers[k] == j] = disc['velocity']
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
    """Sintel-"final"-like degradation: blur, a colour grade and noise."""
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
