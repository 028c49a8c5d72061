"""Optical flow file formats: Middlebury ``.flo`` and KITTI 16-bit PNG."""
import os
from typing import Optional, Tuple

import cv2
import numpy as np

#: the ``.flo`` magic number (the float 202021.25, bytes "PIEH")
FLO_MAGIC = 202021.25


def read_flo(path: str) -> np.ndarray:
    """Read a Middlebury ``.flo`` file.

    Layout: float32 magic 202021.25, int32 width, int32 height, then
    height * width * 2 float32 (u, v interleaved, row-major).

    Returns:
        np.ndarray: (H, W, 2) float32 flow.

    Raises:
        ValueError: wrong magic number, bad size, truncated or trailing
            data, or a NaN / Inf value, naming the file.
    """
    with open(path, 'rb') as f:
        header = f.read(12)
        if len(header) < 12:
            raise ValueError(f'{path}: truncated .flo header ({len(header)} '
                             'of 12 bytes)')
        magic = np.frombuffer(header[:4], np.float32)[0]
        if magic != np.float32(FLO_MAGIC):
            raise ValueError(f'{path}: not a .flo file (magic number '
                             f'{magic!r}, expected {FLO_MAGIC})')
        # Python integers: an int32 w * h would overflow past the check
        w, h = (int(v) for v in np.frombuffer(header[4:], np.int32))
        if w <= 0 or h <= 0 or w * h > 1 << 30:
            raise ValueError(f'{path}: invalid .flo size {w}x{h}')
        payload = f.read(8 * w * h + 1)
    if len(payload) != 8 * w * h:
        what = 'truncated' if len(payload) < 8 * w * h else 'trailing bytes in'
        raise ValueError(f'{path}: {what} .flo data: {len(payload)} bytes '
                         f'for a {w}x{h} flow ({8 * w * h} expected)')
    flow = np.frombuffer(payload, np.float32).reshape(h, w, 2).copy()
    if not np.isfinite(flow).all():
        bad = np.argwhere(~np.isfinite(flow).all(2))[0]
        raise ValueError(f'{path}: non-finite flow (NaN or Inf), first at '
                         f'row {bad[0]}, column {bad[1]}')
    return flow


def write_flo(path: str, flow: np.ndarray) -> None:
    """Write a (H, W, 2) flow as a Middlebury ``.flo`` file."""
    flow = np.asarray(flow, np.float32)
    if flow.ndim != 3 or flow.shape[2] != 2:
        raise ValueError(f'{path}: flow must be (H, W, 2), got {flow.shape}')
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    h, w = flow.shape[:2]
    with open(path, 'wb') as f:
        f.write(np.float32(FLO_MAGIC).tobytes())
        f.write(np.array([w, h], np.int32).tobytes())
        f.write(flow.tobytes())


def read_kitti_flow(path: str) -> Tuple[np.ndarray, np.ndarray]:
    """Read a KITTI flow PNG: 16-bit RGB, ``u, v = (R/G - 2^15) / 64``, B is
    the valid mask.

    Returns:
        tuple: (H, W, 2) float32 flow and (H, W) float32 valid mask.
    """
    # unchanged: a 16-bit grey PNG must not be expanded to three channels
    png = cv2.imread(path, cv2.IMREAD_UNCHANGED)
    if png is None:
        raise ValueError(f'{path}: cannot be read as an image')
    if png.dtype != np.uint16 or png.ndim != 3 or png.shape[2] != 3:
        raise ValueError(f'{path}: KITTI flow must be a 16-bit 3-channel '
                         f'PNG, got {png.dtype} with shape {png.shape}')
    png = png[..., ::-1].astype(np.float32)  # BGR -> RGB
    flow = (png[..., :2] - 2**15) / 64.
    valid = (png[..., 2] > 0).astype(np.float32)
    return flow, valid


def write_kitti_flow(path: str,
                     flow: np.ndarray,
                     valid: Optional[np.ndarray] = None) -> None:
    """Write a (H, W, 2) flow as a KITTI 16-bit PNG (1/64 px steps)."""
    flow = np.asarray(flow, np.float64)
    if valid is None:
        valid = np.ones(flow.shape[:2])
    png = np.empty((*flow.shape[:2], 3), np.uint16)
    png[..., :2] = np.clip(np.round(flow * 64 + 2**15), 0, 2**16 - 1)
    png[..., 2] = valid > 0
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    if not cv2.imwrite(path, png[..., ::-1]):
        raise IOError(f'{path}: cannot write')
