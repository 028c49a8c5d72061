"""RandomLowResolution: the side range, blur/JPEG options and the size;
RandomScaleAugment (FAN's RSA): log-uniform sides, fixed scales, random
interpolation, the clean image kept."""
import numpy as np
import pytest

from mmext.face.datasets.transforms import (RandomLowResolution,
                                            RandomScaleAugment)


def image(seed=0, shape=(112, 96, 3)):
    rng = np.random.RandomState(seed)
    # a smooth image plus fine detail, so that degradation is visible
    y, x = np.mgrid[0:shape[0], 0:shape[1]]
    smooth = 127 + 60 * np.sin(x / 9.) * np.cos(y / 7.)
    if len(shape) == 3:
        smooth = smooth[..., None]
    detail = rng.randint(-40, 41, shape)
    return np.clip(smooth + detail, 0, 255).astype(np.uint8)


def test_side_range_and_size_kept():
    np.random.seed(0)
    transform = RandomLowResolution(side_range=(12, 24))
    sides = []
    for _ in range(200):
        img = image()
        out = transform(dict(img=img.copy()))
        assert out['img'].shape == img.shape and out['img'].dtype == np.uint8
        assert out['img_shape'] == img.shape[:2]
        sides.append(out['lowres_side'])
    assert min(sides) == 12 and max(sides) == 24  # inclusive, both hit
    assert len(set(sides)) == 13


def test_degrade_removes_detail_monotonically():
    img = image()
    transform = RandomLowResolution()
    errors = []
    for side in (12, 24, 48, 96):
        out = transform.degrade(img, side)
        errors.append(np.abs(out.astype(float) - img).mean())
    assert errors == sorted(errors, reverse=True)
    assert errors[0] > 2 * errors[-1]
    low = RandomLowResolution(keep_size=False).degrade(img, 12)
    assert low.shape == (14, 12, 3)  # shorter side 12, aspect kept


def test_blur_and_jpeg_change_the_output_deterministically():
    img = image(1)
    plain = RandomLowResolution()
    blur = RandomLowResolution(blur_sigma_range=(1.5, 1.5))
    jpeg = RandomLowResolution(jpeg_quality_range=(10, 10))
    base = plain.degrade(img, 20)
    assert not np.array_equal(blur.degrade(img, 20, sigma=1.5), base)
    assert not np.array_equal(jpeg.degrade(img, 20, quality=10), base)
    np.testing.assert_array_equal(
        jpeg.degrade(img, 20, quality=10), jpeg.degrade(img, 20, quality=10))
    np.random.seed(3)
    out = RandomLowResolution(
        side_range=(16, 16), blur_sigma_range=(1.5, 1.5),
        jpeg_quality_range=(10, 10))(dict(img=img.copy()))
    np.testing.assert_array_equal(
        out['img'], jpeg.degrade(img, 16, sigma=1.5, quality=10))


def test_prob_zero_and_grey_images():
    img = image(2)
    out = RandomLowResolution(prob=0.)(dict(img=img.copy()))
    np.testing.assert_array_equal(out['img'], img)
    assert out['lowres_side'] is None
    grey = image(3, (40, 40))
    out = RandomLowResolution(jpeg_quality_range=(30, 50))(dict(img=grey))
    assert out['img'].shape == (40, 40)


@pytest.mark.parametrize('kwargs, match', [
    (dict(side_range=(24, 12)), 'side_range'),
    (dict(side_range=(0, 12)), 'side_range'),
    (dict(jpeg_quality_range=(50, 101)), 'jpeg_quality_range'),
    (dict(prob=1.5), 'prob'),
    (dict(down_interpolation='cubic'), 'interpolation'),
    (dict(up_interpolation=[]), 'up_interpolation'),
    (dict(side_sampling='normal'), 'side_sampling'),
    (dict(scales=[]), 'scales'),
    (dict(scales=[8, 0]), 'scales'),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        RandomLowResolution(**kwargs)


def test_registered():
    from mmpretrain.registry import TRANSFORMS
    t = TRANSFORMS.build(dict(type='RandomLowResolution', side_range=(8, 9)))
    assert isinstance(t, RandomLowResolution)


def test_rsa_log_uniform_sides():
    """Log-uniform on [8, 112]: the median side is near sqrt(8 * 112) =
    29.9 (uniform would give 60), both ends reached, the size kept."""
    np.random.seed(0)
    rsa = RandomScaleAugment()
    img = image(4, (112, 112, 3))
    sides = []
    for _ in range(2000):
        side, *_ = rsa._sample()
        sides.append(side)
    assert min(sides) == 8 and max(sides) == 112
    assert 27 <= np.median(sides) <= 33
    # a quarter of the log range lies below 8 * 14 ** 0.25 = 15.5
    assert 0.2 < np.mean(np.array(sides) <= 15) < 0.3
    out = rsa(dict(img=img.copy()))
    assert out['img'].shape == img.shape
    np.testing.assert_array_equal(out['gt_img'], img)
    assert out['lowres_side'] in range(8, 113)


def test_rsa_random_interpolation_and_seed():
    img = image(5, (112, 112, 3))
    rsa = RandomScaleAugment()
    np.random.seed(1)
    drawn = [rsa._sample()[3:] for _ in range(300)]
    assert {d for d, _ in drawn} == {'area', 'bilinear', 'bicubic'}
    assert {u for _, u in drawn} == {'bilinear', 'bicubic'}
    np.random.seed(2)
    first = rsa(dict(img=img.copy()))['img']
    np.random.seed(2)
    np.testing.assert_array_equal(rsa(dict(img=img.copy()))['img'], first)
    # the interpolation is applied: bicubic and area downsampling differ
    assert not np.array_equal(
        rsa.degrade(img, 16, down='bicubic', up='bilinear'),
        rsa.degrade(img, 16, down='area', up='bilinear'))


def test_fixed_scales():
    np.random.seed(0)
    fixed = RandomScaleAugment(scales=[8, 16, 24])
    sides = {fixed(dict(img=image(6, (112, 112, 3))))['lowres_side']
             for _ in range(60)}
    assert sides == {8, 16, 24}


def test_side_above_the_input_names_the_key():
    img = image(7, (96, 96, 3))
    with pytest.raises(ValueError, match=r'side_range reaches side 112, '
                       r'above the shorter side 96 of a\.jpg'):
        RandomScaleAugment()(dict(img=img, img_path='a.jpg'))
    with pytest.raises(ValueError, match='scales reaches side 100'):
        RandomScaleAugment(scales=[8, 100])(dict(img=img))
    # the default DDL path does not draw more random numbers than before
    np.random.seed(9)
    expected = (np.random.rand(), np.random.randint(12, 25), np.random.rand())
    np.random.seed(9)
    out = RandomLowResolution()(dict(img=img))
    assert out['lowres_side'] == expected[1]
    assert np.random.rand() == expected[2]


def test_rsa_registered():
    from mmpretrain.registry import TRANSFORMS
    t = TRANSFORMS.build(dict(type='RandomScaleAugment', scales=[12]))
    assert isinstance(t, RandomLowResolution) and t.scales == (12, )
