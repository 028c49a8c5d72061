"""Flow to colour with the Middlebury colour wheel (Baker et al.)."""
from typing import Optional

import numpy as np


def make_color_wheel() -> np.ndarray:
    """The 55-colour Middlebury wheel: red-yellow-green-cyan-blue-magenta
    segments of 15, 6, 4, 11, 13, 6 steps.

    Returns:
        np.ndarray: (55, 3) float RGB in [0, 255].
    """
    segments = [(15, (255, 0, 0), (255, 255, 0)),
                (6, (255, 255, 0), (0, 255, 0)),
                (4, (0, 255, 0), (0, 255, 255)),
                (11, (0, 255, 255), (0, 0, 255)),
                (13, (0, 0, 255), (255, 0, 255)),
                (6, (255, 0, 255), (255, 0, 0))]
    wheel = []
    for n, start, end in segments:
        t = np.arange(n)[:, None] / n
        wheel.append((1 - t) * np.array(start) + t * np.array(end))
    return np.concatenate(wheel)


def flow_to_color(flow: np.ndarray,
                  max_flow: Optional[float] = None) -> np.ndarray:
    """Render a (H, W, 2) flow: hue = direction, saturation = magnitude
    normalised by ``max_flow`` (default: the largest magnitude).

    Returns:
        np.ndarray: (H, W, 3) uint8 RGB.
    """
    flow = np.nan_to_num(np.asarray(flow, np.float64))
    if flow.ndim != 3 or flow.shape[2] != 2:
        raise ValueError(f'flow_to_color: expected (H, W, 2), got '
                         f'{flow.shape}')
    u, v = flow[..., 0], flow[..., 1]
    rad = np.sqrt(u**2 + v**2)
    scale = max_flow if max_flow else max(rad.max(), 1e-6)
    u, v, rad = u / scale, v / scale, rad / scale
    wheel = make_color_wheel()
    n = len(wheel)
    angle = np.arctan2(-v, -u) / np.pi  # in [-1, 1]
    fk = (angle + 1) / 2 * (n - 1)
    k0 = np.floor(fk).astype(np.int64)
    k1 = (k0 + 1) % n
    f = (fk - k0)[..., None]
    col = ((1 - f) * wheel[k0] + f * wheel[k1]) / 255
    inside = (rad <= 1)[..., None]
    r = np.minimum(rad, 1)[..., None]
    col = np.where(inside, 1 - r * (1 - col), col * 0.75)
    return (255 * col).round().astype(np.uint8)
