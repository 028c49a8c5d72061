"""DataAnchorSampling (PyramidBox / DSFD IAM) on hand-built images."""
import numpy as np
from mmdet.registry import TRANSFORMS
from mmdet.structures.bbox import HorizontalBoxes
from mmengine.registry import init_default_scope

import mmext.det  # noqa: F401

ANCHORS = (16, 32, 64, 128, 256, 512)


def sample(boxes, ignore=None, shape=(480, 640)):
    img = np.full((*shape, 3), 50, np.uint8)
    for k, (x1, y1, x2, y2) in enumerate(np.asarray(boxes, int)):
        img[y1:y2, x1:x2] = (200, 100 + k, 30)  # a distinct colour per face
    boxes = np.asarray(boxes, np.float32).reshape(-1, 4)
    return dict(
        img=img,
        img_shape=shape,
        gt_bboxes=HorizontalBoxes(boxes),
        gt_bboxes_labels=np.zeros(len(boxes), np.int64),
        gt_ignore_flags=np.zeros(len(boxes), bool)
        if ignore is None else np.asarray(ignore))


def build(**kwargs):
    init_default_scope('mmdet')
    return TRANSFORMS.build(dict(type='DataAnchorSampling', **kwargs))


def test_face_lands_at_a_sampled_anchor_scale_inside_the_crop():
    das = build()
    np.random.seed(0)
    sides = []
    for _ in range(60):
        out = das(sample([[300, 200, 364, 264]]))  # side 64: anchor index 2
        img, boxes = out['img'], out['gt_bboxes'].numpy()
        assert img.shape[0] <= 640 and img.shape[1] <= 640
        assert out['img_shape'] == img.shape[:2]
        assert len(boxes) == 1
        side = np.sqrt(np.prod(boxes[0, 2:] - boxes[0, :2]))
        sides.append(side)
        # the box still frames the face's pixels
        x1, y1, x2, y2 = boxes[0]
        cx, cy = int((x1 + x2) / 2), int((y1 + y2) / 2)
        assert tuple(img[cy, cx]) == (200, 100, 30)
    sides = np.array(sides)
    # targets 16..128 (index <= 2 + 1), times 2^U(-1, 1)
    assert sides.min() >= 8 - 1 and sides.max() <= 256 + 1
    assert sides.min() < 24 and sides.max() > 128


def test_left_top_padding_uses_pad_val_and_boxes_follow():
    das = build(pad_val=(1, 2, 3))
    np.random.seed(1)
    padded = 0
    for _ in range(40):
        out = das(sample([[10, 10, 74, 74]], shape=(120, 160)))
        img, box = out['img'], out['gt_bboxes'].numpy()[0]
        if (img[0, 0] == (1, 2, 3)).all():
            padded += 1
        cx, cy = int(box[[0, 2]].mean()), int(box[[1, 3]].mean())
        assert tuple(img[cy, cx]) == (200, 100, 30)
    assert padded > 20  # the small image is smaller than the window


def test_only_boxes_centred_in_the_window_are_kept():
    das = build(crop_size=100, anchor_scales=(64, ))
    np.random.seed(2)
    boxes = [[0, 0, 64, 64], [600, 400, 664, 464]]
    for _ in range(10):
        out = das(sample(boxes, shape=(480, 700)))
        # the two faces are 600 px apart: a 100 px window holds one
        assert len(out['gt_bboxes']) == 1
        b = out['gt_bboxes'].numpy()[0]
        assert (b >= 0).all() and (b[2:] <= out['img'].shape[1::-1]).all()


def test_ignored_faces_are_never_the_anchor_and_no_face_is_a_no_op():
    das = build(crop_size=100, anchor_scales=(64, ))
    np.random.seed(3)
    for _ in range(10):
        out = das(
            sample([[0, 0, 64, 64], [600, 400, 664, 464]],
                   ignore=[True, False],
                   shape=(480, 700)))
        # the window always holds the valid face, never the ignored one
        assert out['gt_ignore_flags'].tolist() == [False]
        box = out['gt_bboxes'].numpy()[0]
        cx, cy = int(box[[0, 2]].mean()), int(box[[1, 3]].mean())
        assert tuple(out['img'][cy, cx]) == (200, 101, 30)
    out = build()(sample([[10, 10, 40, 40]], ignore=[True]))
    assert out['img'].shape == (480, 640, 3)
    np.testing.assert_array_equal(out['gt_bboxes'].numpy(), [[10, 10, 40, 40]])
    assert repr(build()).startswith(
        'DataAnchorSampling(anchor_scales=[16, 32, 64, 128, 256, 512]')
