"""The Middlebury colour wheel."""
import numpy as np
import pytest

from mmext.flow.visualization import flow_to_color, make_color_wheel


def test_color_wheel_segments():
    wheel = make_color_wheel()
    assert wheel.shape == (55, 3)
    np.testing.assert_array_equal(wheel[0], [255, 0, 0])  # red
    np.testing.assert_array_equal(wheel[15], [255, 255, 0])  # yellow
    np.testing.assert_array_equal(wheel[21], [0, 255, 0])  # green
    np.testing.assert_array_equal(wheel[25], [0, 255, 255])  # cyan
    np.testing.assert_array_equal(wheel[36], [0, 0, 255])  # blue
    np.testing.assert_array_equal(wheel[49], [255, 0, 255])  # magenta


def test_flow_to_color_by_hand():
    flow = np.array([[[1., 0.], [0., 0.], [0.5, 0.], [2., 0.]]])
    out = flow_to_color(flow, max_flow=1.)
    np.testing.assert_array_equal(out[0, 0], [255, 0, 0])  # +u: red
    np.testing.assert_array_equal(out[0, 1], [255, 255, 255])  # still
    # half saturation: 1 - 0.5 * (1 - red) = (1, 0.5, 0.5)
    np.testing.assert_array_equal(out[0, 2], [255, 128, 128])
    np.testing.assert_array_equal(out[0, 3], [191, 0, 0])  # beyond: x0.75
    # -u sits half-way round the wheel, in the cyan-blue segment
    left = flow_to_color(np.array([[[-1., 0.]]]), 1.)[0, 0]
    assert left[0] == 0 and left[2] == 255
    with pytest.raises(ValueError, match=r'expected \(H, W, 2\)'):
        flow_to_color(np.zeros((2, 2, 3)))
