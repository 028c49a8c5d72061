"""sRGB <-> Lab and luma against reference values and OpenCV."""
import cv2
import numpy as np
import pytest
import torch

from mmext.enhance.models.utils import (chroma, colorful_mask, lab_to_rgb,
                                        rgb_to_gray, rgb_to_lab)
from mmext.enhance.models.utils.color_space import WHITE_D65_SKIMAGE


def grid(steps=11):
    g = np.linspace(0, 1, steps)
    return np.stack(np.meshgrid(g, g, g, indexing='ij'), -1).reshape(
        -1, 1, 3)  # (N, 1, 3) HWC


def chw(a):
    return torch.from_numpy(np.ascontiguousarray(a)).permute(2, 0, 1)


def hwc(t):
    return t.permute(1, 2, 0).numpy()


#: scikit-image 0.26 ``rgb2lab`` (D65, 2 degrees) of these colours
SKIMAGE_LAB = {
    (1., 0., 0.): (53.240588, 80.092308, 67.202751),
    (0., 1., 0.): (87.735099, -86.18303, 83.179703),
    (0., 0., 1.): (32.295673, 79.185591, -107.8573),
    (1., 1., 1.): (100.0, -0.002455, 0.004653),
    (0.5, 0.5, 0.5): (53.388965, -0.001468, 0.002784),
    (0.2, 0.6, 0.9): (60.929532, -3.060155, -46.837654),
    (0.9, 0.3, 0.1): (54.086442, 57.227745, 58.183024),
    (0.01, 0.02, 0.03): (1.300054, -0.31235, -1.199765),
}


def test_lab_against_scikit_image_reference_values():
    rgb = torch.tensor(list(SKIMAGE_LAB), dtype=torch.float64)
    lab = rgb_to_lab(rgb.T[:, :, None], white=WHITE_D65_SKIMAGE)[..., 0].T
    ref = torch.tensor(list(SKIMAGE_LAB.values()), dtype=torch.float64)
    assert torch.allclose(lab, ref, atol=1e-4)


def test_lab_against_scikit_image_on_a_grid():
    color = pytest.importorskip('skimage.color')
    rgb = grid()
    ref = color.rgb2lab(rgb)
    ours = hwc(rgb_to_lab(chw(rgb), white=WHITE_D65_SKIMAGE))
    assert np.abs(ours - ref).max() < 1e-4
    back = hwc(lab_to_rgb(chw(ref), white=WHITE_D65_SKIMAGE))
    assert np.abs(back - color.lab2rgb(ref)).max() < 1e-4


def test_lab_against_opencv_on_a_grid():
    rgb = grid()
    # OpenCV's float Lab2RGB is exact to ~2e-5 (its RGB2Lab is quantised
    # to ~1/64 in a*, b* in OpenCV 5, so the forward direction is checked
    # through the inverse)
    lab = hwc(rgb_to_lab(chw(rgb))).astype(np.float32)
    assert np.abs(cv2.cvtColor(lab, cv2.COLOR_Lab2RGB) - rgb).max() < 1e-4
    ref_lab = cv2.cvtColor(rgb.astype(np.float32), cv2.COLOR_RGB2Lab)
    ours = hwc(lab_to_rgb(chw(ref_lab.astype(np.float64))))
    assert np.abs(ours - cv2.cvtColor(ref_lab, cv2.COLOR_Lab2RGB)).max() \
        < 1e-4
    assert np.abs(hwc(rgb_to_lab(chw(rgb))) - ref_lab).max() < 0.35


def test_round_trip_and_finite_gradients():
    rgb = chw(grid(9)).float().requires_grad_()
    back = lab_to_rgb(rgb_to_lab(rgb))
    assert (back - rgb).abs().max() < 1e-4
    back.sum().backward()
    assert torch.isfinite(rgb.grad).all()
    # batched input
    batch = torch.rand(2, 3, 5, 4, dtype=torch.float64)
    assert torch.allclose(lab_to_rgb(rgb_to_lab(batch)), batch, atol=1e-6)


def test_matlab_luma_and_opencv_gray():
    rgb = grid()
    ours = rgb_to_gray(chw(rgb))[0].numpy()
    # MATLAB rgb2gray's weights: 0.2989, 0.5870, 0.1140 (OpenCV rounds them)
    weights = np.array(
        [0.298936021293775, 0.587043074451121, 0.114020904255103])
    assert np.allclose(ours[:, 0], rgb[:, 0] @ weights)
    gray = cv2.cvtColor(rgb.astype(np.float32), cv2.COLOR_RGB2GRAY)
    assert np.abs(ours - gray).max() < 1e-4
    assert torch.allclose(rgb_to_gray(torch.ones(1, 3, 2, 2)),
                          torch.ones(1, 1, 2, 2))


def test_chroma_and_mask():
    lab = torch.zeros(3, 2, 2)
    lab[1, 0, 0], lab[2, 0, 0] = 3., 4.  # chroma 5
    lab[1, 1, 1] = -30.
    assert chroma(lab)[0, 0, 0] == 5.
    assert colorful_mask(lab, 20.).squeeze().tolist() == [[0., 0.], [0., 1.]]
