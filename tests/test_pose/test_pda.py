"""PDA: part library format and the part-pasting transform."""
import json
import os.path as osp

import cv2
import numpy as np
import pytest

from mmext.pose.datasets import ParsingBasedDataAugmentation
from mmext.pose.datasets.part_library import (build_part_library,
                                              load_part_library, read_part)


def write_parsed_person(root, name='p0'):
    """A 60x40 'person' whose left arm is a disk and pants a rectangle."""
    image = np.zeros((60, 40, 3), np.uint8)
    parsing = np.zeros((60, 40), np.uint8)
    parsing[30:60, 10:30] = 9  # pants, a 20x30 box
    image[30:60, 10:30] = (200, 30, 10)
    yy, xx = np.mgrid[:60, :40]
    disk = (yy - 10)**2 + (xx - 20)**2 <= 8**2
    parsing[disk] = 14  # left arm
    image[disk] = (10, 220, 40)
    cv2.imwrite(
        str(root / f'{name}.jpg'), image, [cv2.IMWRITE_JPEG_QUALITY, 100])
    cv2.imwrite(str(root / f'{name}.png'), parsing)
    return str(root / f'{name}.jpg'), str(root / f'{name}.png')


@pytest.fixture
def library(tmp_path):
    pair = write_parsed_person(tmp_path)
    count = build_part_library([pair],
                               str(tmp_path / 'lib'),
                               classes=(9, 14),
                               min_area=10)
    assert count == 2
    return str(tmp_path / 'lib')


def test_library_builder_cuts_masks_and_body_ratio(library):
    parts = {p['name']: p for p in load_part_library(library)}
    assert set(parts) == {'pants', 'left_arm'}
    arm = read_part(parts['left_arm'])
    assert arm.shape == (17, 17, 4)  # the disk's box
    yy, xx = np.mgrid[:17, :17]
    np.testing.assert_array_equal(arm[..., 3] > 0, (yy - 8)**2 + (xx - 8)**2
                                  <= 64)
    np.testing.assert_allclose(arm[8, 8, :3], (10, 220, 40), atol=4)
    assert arm[8, 8, 3] == 255 and arm[0, 0, 3] == 0
    assert parts['left_arm']['side'] == 'left'
    # person box 40 x 58 (rows 2..59), pants box 20 x 30
    person_diag = np.hypot(20, 58)
    assert parts['pants']['body_ratio'] == pytest.approx(
        np.hypot(20, 30) / person_diag, abs=1e-4)


def sample(h=120, w=100):
    keypoints = np.array([[[50., 60.], [30., 40.], [0., 0.]]])
    return dict(
        img=np.full((h, w, 3), 90, np.uint8),
        bbox=np.array([[20., 20., 80., 110.]]),
        keypoints=keypoints,
        keypoints_visible=np.array([[1., 1., 0.]]))


def test_pda_changes_only_pasted_pixels_and_keeps_labels(library):
    pda = ParsingBasedDataAugmentation(library, prob=1., num_parts=(3, 3))
    np.random.seed(0)
    for _ in range(5):
        inputs = sample()
        original = {k: v.copy() for k, v in inputs.items()}
        input_img = inputs['img']
        out = pda.transform(inputs)
        for key in ('bbox', 'keypoints', 'keypoints_visible'):
            np.testing.assert_array_equal(out[key], original[key])
        changed = (out['img'] != original['img']).any(-1)
        assert changed.any()
        inside = np.zeros_like(changed)
        assert len(out['pda_boxes']) >= 1
        for x1, y1, x2, y2 in out['pda_boxes']:
            inside[y1:y2, x1:x2] = True
        assert not (changed & ~inside).any()
        assert out['img'].dtype == np.uint8
        # the loaded image is not modified in place
        np.testing.assert_array_equal(input_img, original['img'])


def one_unjittered_arm(library):
    """PDA pasting exactly one left arm, unscaled, unrotated, unshifted."""
    return ParsingBasedDataAugmentation(
        library,
        prob=1.,
        num_parts=(1, 1),
        part_names=['left_arm'],
        scale_jitter=0.,
        max_rotate=0.,
        max_shift=0.,
        flip_prob=0.)


def test_pda_blends_part_colour_with_soft_edge(library):
    """One unrotated arm disk at the visible joint (50, 60)."""
    pda = one_unjittered_arm(library)
    data = sample()
    data['keypoints_visible'] = np.array([[1., 0., 0.]])
    np.random.seed(1)
    out = pda.transform(data)
    img = out['img'].astype(int)
    # pasted diagonal = body_ratio * person diagonal: the disk is large
    np.testing.assert_allclose(img[60, 50], (10, 220, 40), atol=3)
    (x1, y1, x2, y2), = out['pda_boxes']
    assert x1 < 50 < x2 and y1 < 60 < y2
    # the box corners lie outside the disk: untouched background
    assert (img[y1, x1] == 90).all() and (img[y2 - 1, x2 - 1] == 90).all()
    # soft edge: somewhere between the centre and the corner a mixed value
    diagonal = img[np.arange(y1, 61),
                   np.linspace(x1, 50, 61 - y1).astype(int), 1]
    assert ((diagonal > 95) & (diagonal < 215)).any()


def test_pda_sizes_parts_by_the_tight_box_of_the_visible_joints(library):
    """body_ratio is relative to a tight person box, so is the paste.

    Visible joints (50, 60) and (30, 40): a 20 x 20 box, diagonal
    20 * sqrt(2); the padded dataset box (60 x 90) must not be the unit.
    The arm disk is a square crop, so its pasted side is diagonal / sqrt 2.
    """
    pda = one_unjittered_arm(library)
    data = sample()
    assert pda.person_diagonal(data['keypoints'][0],
                               data['keypoints_visible'][0] > 0,
                               data['bbox'][0]) == pytest.approx(
                                   20 * np.sqrt(2))
    np.random.seed(0)
    (x1, y1, x2, y2), = pda.transform(data)['pda_boxes']
    ratio = np.hypot(17, 17) / np.hypot(20, 58)  # arm / source person
    side = ratio * 20  # = ratio * 20 sqrt(2) / sqrt(2)
    assert side == pytest.approx(7.84, abs=0.01)
    assert side <= x2 - x1 <= side + 2 and side <= y2 - y1 <= side + 2
    # fewer than two visible joints: the side of the person box
    assert pda.person_diagonal(data['keypoints'][0],
                               np.array([True, False, False]),
                               data['bbox'][0]) == 90


def test_pda_is_deterministic_under_a_seed(library):
    pda = ParsingBasedDataAugmentation(library, prob=1., num_parts=(1, 4))
    outs = []
    for seed in (7, 7, 8):
        np.random.seed(seed)
        outs.append(pda.transform(sample())['img'])
    np.testing.assert_array_equal(outs[0], outs[1])
    assert (outs[0] != outs[2]).any()


def test_pda_probability_zero_is_identity(library):
    pda = ParsingBasedDataAugmentation(library, prob=0.)
    data = sample()
    out = pda.transform(dict(data))
    np.testing.assert_array_equal(out['img'], data['img'])
    assert out['pda_boxes'].shape == (0, 4)


def write_index(root, parts):
    root.mkdir(exist_ok=True)
    with open(root / 'index.json', 'w') as f:
        json.dump(dict(format='mmext-part-library', version=1, parts=parts), f)


def test_empty_or_malformed_library_errors(tmp_path, library):
    with pytest.raises(FileNotFoundError, match='index.json does not exist'):
        ParsingBasedDataAugmentation(str(tmp_path / 'nowhere'))
    write_index(tmp_path / 'empty', [])
    with pytest.raises(ValueError, match='"parts" is empty'):
        ParsingBasedDataAugmentation(str(tmp_path / 'empty'))
    write_index(tmp_path / 'nofield',
                [dict(file='a.png', name='x', side='left')])
    with pytest.raises(ValueError, match=r'parts\[0\] lacks \[.body_ratio.'):
        ParsingBasedDataAugmentation(str(tmp_path / 'nofield'))
    write_index(tmp_path / 'badside',
                [dict(file='a.png', name='x', side='up', body_ratio=0.3)])
    with pytest.raises(ValueError, match='side must be one of'):
        ParsingBasedDataAugmentation(str(tmp_path / 'badside'))
    write_index(tmp_path / 'nofile',
                [dict(file='a.png', name='x', side='left', body_ratio=0.3)])
    with pytest.raises(FileNotFoundError, match='a.png does not exist'):
        ParsingBasedDataAugmentation(str(tmp_path / 'nofile'))
    rgb = tmp_path / 'rgb'
    write_index(rgb,
                [dict(file='a.png', name='x', side='left', body_ratio=0.3)])
    cv2.imwrite(str(rgb / 'a.png'), np.ones((5, 5, 3), np.uint8))
    pda = ParsingBasedDataAugmentation(str(rgb), prob=1.)
    with pytest.raises(ValueError, match='a.png must be an 8-bit RGBA'):
        pda.transform(sample())
    (tmp_path / 'bad_json').mkdir()
    (tmp_path / 'bad_json' / 'index.json').write_text('{"parts": [')
    with pytest.raises(ValueError, match='not valid JSON'):
        ParsingBasedDataAugmentation(str(tmp_path / 'bad_json'))
    with pytest.raises(ValueError, match='no part named'):
        ParsingBasedDataAugmentation(library, part_names=['tail'])
    assert osp.isdir(library)


def test_part_library_tool(tmp_path):
    import subprocess
    import sys
    root = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
    (tmp_path / 'img').mkdir()
    (tmp_path / 'seg').mkdir()
    for i in range(2):
        img, seg = write_parsed_person(tmp_path / 'img', f'p{i}')
        osp.os.replace(seg, tmp_path / 'seg' / f'p{i}.png')
    proc = subprocess.run([
        sys.executable, 'tools/dataset_converters/ranet_part_library.py',
        str(tmp_path / 'img'),
        str(tmp_path / 'seg'),
        str(tmp_path / 'lib'), '--classes', '14', '9', '--min-area', '10',
        '--with-person'
    ],
                          cwd=root,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr
    assert '6 parts from 2 images' in proc.stdout
    names = sorted(p['name'] for p in load_part_library(str(tmp_path / 'lib')))
    assert names == ['left_arm'] * 2 + ['pants'] * 2 + ['person'] * 2
