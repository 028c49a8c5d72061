"""The RANet quickstart renderer: deterministic, confusing, labelled."""
import numpy as np

from mmext.pose.datasets.ranet_quickstart_data import (HEAD, HEAD_RATIO, NECK,
                                                       PALETTE, draw_limb,
                                                       render_sample,
                                                       sample_colours)


def test_render_sample_is_deterministic_and_annotated():
    a_img, a_ann = render_sample(np.random.default_rng(3), 96)
    b_img, b_ann = render_sample(np.random.default_rng(3), 96)
    np.testing.assert_array_equal(a_img, b_img)
    assert a_ann['joints'] == b_ann['joints']
    joints = np.array(a_ann['joints']) - 1  # 1-based on disk
    visible = np.array(a_ann['joints_vis']) > 0
    assert len(joints) == 16 and visible.any()
    # the head box is the square of side neck-to-head-top, 1-based
    x1, y1, x2, y2 = a_ann['headbox'] - 1
    side = np.linalg.norm(joints[HEAD] - joints[NECK])
    np.testing.assert_allclose([x2 - x1, y2 - y1], [side, side], atol=0.02)


def test_person_colours_are_distinct_palette_textures():
    rng = np.random.default_rng(0)
    for _ in range(20):
        colours = sample_colours(rng)
        assert set(colours) == {'arm', 'leg', 'torso', 'head'}
        assert all(c in PALETTE for c in colours.values())
        assert len(set(colours.values())) == 4
    assert 0 < HEAD_RATIO < 0.5


def test_draw_limb_puts_the_hand_beyond_the_wrist():
    img = np.zeros((60, 60, 3), np.uint8)
    label = np.zeros((60, 60), np.uint8)
    # forearm from the elbow (30, 10) down to the wrist (30, 30); height 100
    # -> width 7, hand radius 4 (4.5 rounded to even) centred at (30, 34)
    draw_limb(img, np.array([30., 30.]), np.array([30., 10.]), (0, 0, 200),
              (0, 200, 0), 100., label, 15)
    assert tuple(img[20, 30]) == (0, 0, 200)  # the forearm
    assert tuple(img[35, 30]) == (0, 200, 0)  # the hand
    assert img[45, 30].sum() == 0  # nothing beyond the hand
    assert label[20, 30] == 15 and label[35, 30] == 15 and label[45, 30] == 0
