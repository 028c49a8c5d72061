"""Differentiable sRGB <-> CIE Lab (D65) and MATLAB ``rgb2gray`` luma.

Plain torch, so that the CWAN pipeline (luma into the lightness net, Lab
a*, b* into the colour net, Lab -> RGB of the composed output) is
differentiable end to end.  The constants are OpenCV's (``cvtColor`` with
``COLOR_RGB2Lab`` on float images): the sRGB transfer curve, the sRGB
primaries' RGB -> XYZ matrix and the D65 white (0.950456, 1, 1.088754).
scikit-image's D65 white (0.95047, 1, 1.08883) and MATLAB's (0.9504, 1,
1.0888) differ in the 5th digit, which moves a* / b* by up to ~5e-3, so
the white is an argument: the default is OpenCV's (ours; OpenCV comes with
mmcv), :data:`WHITE_D65_SKIMAGE` matches scikit-image to 1e-4.  (OpenCV
5's float ``RGB2Lab`` itself is quantised to ~1/64 in a*, b*, errors up
to 0.3; its float ``Lab2RGB`` is exact to ~2e-5, which is what the tests
compare against.)

Every function takes and returns channel-first tensors ``(..., 3, H, W)``
(any leading batch dimensions).  RGB is in [0, 1]; L* in [0, 100]; a*, b*
unnormalised (about [-110, 110]).
"""
from typing import Sequence

import torch
from torch import Tensor

#: linear sRGB -> CIE XYZ (sRGB primaries, D65), OpenCV's values
RGB_TO_XYZ = ((0.412453, 0.357580, 0.180423), (0.212671, 0.715160, 0.072169),
              (0.019334, 0.119193, 0.950227))
#: the D65 reference white of OpenCV's Lab conversion
WHITE_D65 = (0.950456, 1., 1.088754)
#: scikit-image's D65 white (CIE 1931 2-degree observer)
WHITE_D65_SKIMAGE = (0.95047, 1., 1.08883)
#: MATLAB ``rgb2gray`` weights (the Y row of the inverse of its NTSC matrix)
MATLAB_LUMA = (0.298936021293775, 0.587043074451121, 0.114020904255103)

#: CIE f(t) breakpoint and slope as OpenCV and scikit-image round them
#: (exactly (6/29)^3 = 0.0088565 and 841/108 = 7.78704); with the exact
#: values a*, b* near black move by ~1.5e-4
_EPSILON = 0.008856
_KAPPA = 7.787
#: f at the breakpoint, where the inverse switches branch (skimage's value)
_F_BREAK = 0.2068966


def _apply_matrix(img: Tensor, matrix: Tensor) -> Tensor:
    """(..., 3, H, W) -> (..., 3, H, W): ``matrix @ pixel`` at every pixel."""
    return torch.einsum('ij,...jhw->...ihw', matrix.to(img), img)


def _check(img: Tensor, name: str) -> None:
    if img.dim() < 3 or img.shape[-3] != 3:
        raise ValueError(f'{name}: expected (..., 3, H, W), got '
                         f'{tuple(img.shape)}')


def srgb_to_linear(rgb: Tensor) -> Tensor:
    """Undo the sRGB transfer curve (IEC 61966-2-1).

    Args:
        rgb (Tensor): gamma-encoded values in [0, 1], any shape.

    Returns:
        Tensor: linear values, same shape.
    """
    high = ((rgb.clamp(min=0.04045) + 0.055) / 1.055)**2.4
    return torch.where(rgb > 0.04045, high, rgb / 12.92)


def linear_to_srgb(lin: Tensor) -> Tensor:
    """Apply the sRGB transfer curve; inverse of :func:`srgb_to_linear`.

    The power branch is evaluated on values clamped to its domain, so the
    gradient stays finite at and below 0.
    """
    high = 1.055 * lin.clamp(min=0.0031308)**(1. / 2.4) - 0.055
    return torch.where(lin > 0.0031308, high, lin * 12.92)


def _f(t: Tensor) -> Tensor:
    """CIE's f(t): cube root above the breakpoint, linear below (the
    cube root on values clamped to its branch: finite gradients at 0)."""
    return torch.where(t > _EPSILON,
                       t.clamp(min=_EPSILON)**(1. / 3.),
                       _KAPPA * t + 16. / 116.)


def _f_inv(f: Tensor) -> Tensor:
    return torch.where(f > _F_BREAK, f**3, (f - 16. / 116.) / _KAPPA)


def rgb_to_lab(rgb: Tensor, white: Sequence[float] = WHITE_D65) -> Tensor:
    """sRGB -> CIE L*a*b* (D65).

    Args:
        rgb (Tensor): (..., 3, H, W) sRGB in [0, 1].
        white (Sequence[float]): reference white XYZ. Default OpenCV's.

    Returns:
        Tensor: (..., 3, H, W) with L* in [0, 100] and raw a*, b*.
    """
    _check(rgb, 'rgb_to_lab')
    xyz = _apply_matrix(srgb_to_linear(rgb), torch.tensor(RGB_TO_XYZ))
    white = torch.tensor(white).to(xyz).view(3, 1, 1)
    fx, fy, fz = _f(xyz / white).unbind(-3)
    return torch.stack(
        [116. * fy - 16., 500. * (fx - fy), 200. * (fy - fz)], -3)


def lab_to_rgb(lab: Tensor,
               clip: bool = True,
               white: Sequence[float] = WHITE_D65) -> Tensor:
    """CIE L*a*b* (D65) -> sRGB; inverse of :func:`rgb_to_lab`.

    Args:
        lab (Tensor): (..., 3, H, W) L*, a*, b*.
        clip (bool): clip the result to [0, 1] (out-of-gamut colours), as
            MATLAB's ``lab2rgb`` + ``im2uint8`` of the official pipeline
            do. Default True.
        white (Sequence[float]): reference white XYZ. Default OpenCV's.

    Returns:
        Tensor: (..., 3, H, W) sRGB.
    """
    _check(lab, 'lab_to_rgb')
    lum, a, b = lab.unbind(-3)
    fy = (lum + 16.) / 116.
    f = torch.stack([fy + a / 500., fy, fy - b / 200.], -3)
    white = torch.tensor(white).to(lab).view(3, 1, 1)
    xyz = _f_inv(f) * white
    matrix = torch.linalg.inv(torch.tensor(RGB_TO_XYZ, dtype=torch.float64))
    rgb = linear_to_srgb(_apply_matrix(xyz, matrix))
    return rgb.clamp(0., 1.) if clip else rgb


def rgb_to_gray(rgb: Tensor) -> Tensor:
    """MATLAB ``rgb2gray`` luma of gamma-encoded RGB (no rounding).

    Args:
        rgb (Tensor): (..., 3, H, W), any scale (the result has the same).

    Returns:
        Tensor: (..., 1, H, W).
    """
    _check(rgb, 'rgb_to_gray')
    weights = torch.tensor(MATLAB_LUMA).to(rgb).view(3, 1, 1)
    return (rgb * weights).sum(-3, keepdim=True)


def chroma(lab: Tensor) -> Tensor:
    """CIE chroma C*ab = sqrt(a*^2 + b*^2).

    Args:
        lab (Tensor): (..., 3, H, W) Lab, or (..., 2, H, W) a*, b*.

    Returns:
        Tensor: (..., 1, H, W).
    """
    ab = lab[..., -2:, :, :]
    return ab.pow(2).sum(-3, keepdim=True).sqrt()


def colorful_mask(lab: Tensor, tau: float) -> Tensor:
    """CWAN's colourful-region map (ours): pixels with chroma above ``tau``.

    Args:
        lab (Tensor): (..., 3, H, W) Lab or (..., 2, H, W) a*, b*.
        tau (float): chroma threshold.

    Returns:
        Tensor: (..., 1, H, W) float 0 / 1.
    """
    return (chroma(lab) > tau).to(lab.dtype)
