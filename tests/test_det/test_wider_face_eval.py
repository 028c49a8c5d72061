"""The official WIDER FACE protocol on hand-built cases."""
import numpy as np
import pytest
from scipy.io import savemat

from mmext.det.datasets import wider_face_io as WIO
from mmext.det.evaluation.functional import wider_face_eval as W


def make_gt(images, keep=None):
    """Ground truth of one event from ``{name: (K, 4) xywh}``.

    ``keep`` maps setting -> {name: 0-based kept indices}; by default every
    face counts in every setting.
    """
    names = list(images)
    boxes = [
        np.asarray(images[n], dtype=np.float64).reshape(-1, 4) for n in names
    ]
    keep = keep or {}
    return WIO.WIDERFaceGroundTruth(
        ['0--Parade'], [names], [boxes], {
            s: [[
                np.asarray(
                    keep.get(s, {}).get(n, np.arange(len(b))), dtype=np.int64)
                for n, b in zip(names, boxes)
            ]]
            for s in WIO.SETTINGS
        })


def det(box, score):
    return [*box, score]


F1, F2, F3, F4 = ([0, 0, 20, 20], [100, 0, 20, 20], [200, 0, 20,
                                                     20], [300, 0, 20, 20])


def known_case():
    """4 faces; detections: TP F1, FP, TP F2, FP, and one on F4."""
    gt = make_gt({'0_a_1': [F1, F2, F3, F4]},
                 keep=dict(
                     easy={'0_a_1': [0, 1, 2]},
                     medium={'0_a_1': [0, 1]},
                     hard={'0_a_1': [0, 1, 2, 3]}))
    preds = {
        '0--Parade/0_a_1':
        np.array([
            det(F1, 1.0),
            det([400, 400, 20, 20], .75),
            det(F4, .5),
            det(F2, .25),
            det([500, 400, 20, 20], 0.),
        ])
    }
    return preds, gt


def test_known_pr_curves():
    preds, gt = known_case()
    aps = W.evaluate_wider_face(preds, gt, return_curves=True)
    # easy: F4 ignored (its detection discarded), 3 faces:
    # R 1/3 P 1 ; R 1/3 P 1/2 ; R 2/3 P 2/3 ; R 2/3 P 1/2  ->  5/9
    assert aps['easy'] == pytest.approx(5 / 9)
    # medium: 2 faces (F3, F4 ignored): R 1/2 P 1 ; R 1 P 2/3  ->  5/6
    assert aps['medium'] == pytest.approx(5 / 6)
    # hard: 4 faces, F4 found at t <= 0.5:
    # R 1/4 P 1 ; R 2/4 P 2/3 ; R 3/4 P 3/4 ; R 3/4 P 3/5  ->  5/8
    assert aps['hard'] == pytest.approx(5 / 8)
    # thresholds 1 - k/1000: t = 0.75 (k = 250) includes the 0.75 detection
    precision, recall = aps['hard_precision'], aps['hard_recall']
    assert precision[248] == 1 and precision[249] == pytest.approx(1 / 2)
    assert recall[499] == pytest.approx(1 / 2)  # t = 0.5 takes F4
    assert precision[999] == pytest.approx(3 / 5)
    assert recall[999] == pytest.approx(3 / 4)


def test_scores_are_min_max_normalised_over_the_dataset():
    preds, gt = known_case()
    scaled = {
        k: v * [1, 1, 1, 1, 10] + [0, 0, 0, 0, 5]
        for k, v in preds.items()
    }
    assert W.evaluate_wider_face(scaled, gt) == pytest.approx(
        W.evaluate_wider_face(preds, gt))


def test_prediction_order_in_the_file_does_not_matter():
    preds, gt = known_case()
    shuffled = {k: v[::-1] for k, v in preds.items()}
    assert W.evaluate_wider_face(shuffled,
                                 gt) == W.evaluate_wider_face(preds, gt)


def test_perfect_detector_scores_one():
    rng = np.random.default_rng(0)
    images, keep = {}, {s: {} for s in WIO.SETTINGS}
    for k in range(6):
        xy = rng.uniform(0, 500, (5, 2)) + np.arange(5)[:, None] * 600
        images[f'0_a_{k}'] = np.concatenate(
            [xy, rng.uniform(5, 80, (5, 2))], 1)
        keep['hard'][f'0_a_{k}'] = np.arange(5)
        keep['medium'][f'0_a_{k}'] = np.arange(3)
        keep['easy'][f'0_a_{k}'] = np.arange(k % 2)
    gt = make_gt(images, keep)
    preds = {
        f'0--Parade/{n}': np.concatenate([b, rng.uniform(0, 1, (5, 1))], 1)
        for n, b in images.items()
    }
    aps = W.evaluate_wider_face(preds, gt)
    assert aps == pytest.approx(dict(easy=1., medium=1., hard=1.))


def test_detection_on_an_ignored_face_is_discarded():
    gt = make_gt({'0_a_1': [F1, F2]}, keep=dict(easy={'0_a_1': [0]}))
    preds = {'0--Parade/0_a_1': np.array([det(F2, 1.), det(F1, 0.)])}
    aps = W.evaluate_wider_face(preds, gt)
    assert aps['easy'] == pytest.approx(1.)  # F2's detection is no FP
    assert aps['hard'] == pytest.approx(1.)


def test_faces_of_an_image_without_predictions_count():
    gt = make_gt({'0_a_1': [F1], '0_a_2': [F2]})
    preds = {'0--Parade/0_a_1': np.array([det(F1, .9), det(F3, .1)])}
    aps = W.evaluate_wider_face(preds, gt)
    assert aps['hard'] == pytest.approx(.5)
    # an empty array is the same as a missing image
    preds['0--Parade/0_a_2'] = np.zeros((0, 5))
    assert W.evaluate_wider_face(preds, gt)['hard'] == pytest.approx(.5)


def test_false_positives_on_images_without_faces_never_count():
    gt = make_gt({'0_a_1': [F1], '0_a_2': np.zeros((0, 4))})
    preds = {
        '0--Parade/0_a_1': np.array([det(F1, .2), det(F3, 0.)]),
        '0--Parade/0_a_2': np.array([det(F2, 1.)]),
    }
    # 0_a_2's detection sets the max score but is never counted; the TP is
    # at normalised score 0.2 and the FP at 0: P = 1 until t = 0.
    assert W.evaluate_wider_face(preds, gt)['hard'] == pytest.approx(1.)


def test_false_positive_on_an_image_whose_faces_are_all_ignored():
    gt = make_gt({'0_a_1': [F1], '0_a_2': [F2]}, keep=dict(easy={'0_a_2': []}))
    preds = {
        '0--Parade/0_a_1': np.array([det(F1, 0.)]),
        '0--Parade/0_a_2': np.array([det(F3, 1.)]),
    }
    # the FP comes first: P = 1/2 at R = 1
    assert W.evaluate_wider_face(preds, gt)['easy'] == pytest.approx(.5)


def test_second_detection_of_a_recalled_face_is_a_false_positive():
    gt = make_gt({'0_a_1': [F1, [5, 0, 20, 20]]})
    # both detections best-match F1 (the first face on the tie of the
    # second), so the second is an FP although it overlaps face 2 by > 0.5
    preds = {
        '0--Parade/0_a_1': np.array([det(F1, 1.),
                                     det([2, 0, 21, 20], 0.)])
    }
    iou = W.bbox_overlaps_plus1(
        np.array([[2., 0, 23, 20]]),
        np.array([[0., 0, 20, 20], [5., 0, 25, 20]]))
    assert iou[0, 0] == iou[0, 1] > .5
    assert W.evaluate_wider_face(preds, gt)['hard'] == pytest.approx(.5)


def test_iou_uses_plus_one_pixels_and_half_is_a_hit():
    box = np.array([[0., 0, 9, 9]])  # x1 y1 x2 y2: a 10 x 10 pixel box
    assert W.bbox_overlaps_plus1(np.array([[0., 0, 9, 4]]), box)[0, 0] == .5
    gt = make_gt({'0_a_1': [[0, 0, 9, 9]]})
    hit = {'0--Parade/0_a_1': np.array([det([0, 0, 9, 4], 1.)])}
    assert W.evaluate_wider_face(hit, gt)['hard'] == pytest.approx(1.)
    miss = {'0--Parade/0_a_1': np.array([det([0, 0, 9, 3], 1.)])}
    assert W.evaluate_wider_face(miss, gt)['hard'] == 0.
    # disjoint and touching boxes do not overlap
    assert W.bbox_overlaps_plus1(np.array([[20., 0, 30, 9]]), box)[0, 0] == 0


def test_voc_continuous_ap_envelope():
    recall = np.array([.25, .25, .5, .75, .75])
    precision = np.array([1., .5, 2 / 3, .75, .6])
    assert W.voc_continuous_ap(recall, precision) == pytest.approx(5 / 8)
    # NaN precision (0/0) where nothing was proposed yet is harmless
    assert W.voc_continuous_ap(
        np.array([0., .5, 1.]), np.array([np.nan, 1., .5])) == .75


def reference_ap(preds, gt, setting, iou_thr=.5, thresh_num=1000):
    """A loop-by-loop transcription of the protocol, for comparison."""
    scores = np.concatenate([p[:, 4] for p in preds.values() if len(p)])
    lo, hi = scores.min(), scores.max()
    curve = np.zeros((thresh_num, 2))
    count = 0
    for i, event in enumerate(gt.events):
        for j, name in enumerate(gt.images[i]):
            faces = gt.boxes[i][j]
            keep = gt.keep[setting][i][j]
            count += len(keep)
            pred = preds.get(f'{event}/{name}', np.zeros((0, 5)))
            if not len(faces) or not len(pred):
                continue
            pred = pred[np.argsort(-pred[:, 4], kind='stable')].copy()
            pred[:, 4] = (pred[:, 4] - lo) / (hi - lo)
            counted = np.zeros(len(faces), bool)
            counted[keep] = True
            state = np.zeros(len(faces))
            proposal = np.ones(len(pred))
            recall_after = np.zeros(len(pred))
            for h, p in enumerate(pred):
                ious = [
                    W.bbox_overlaps_plus1(
                        np.array([[*p[:2], *(p[:2] + p[2:4])]]),
                        np.array([[*f[:2], *(f[:2] + f[2:])]]))[0, 0]
                    for f in faces
                ]
                g = int(np.argmax(ious))
                if ious[g] >= iou_thr:
                    if not counted[g]:
                        state[g] = -1
                        proposal[h] = -1
                    elif state[g] == 0:
                        state[g] = 1
                recall_after[h] = np.sum(state == 1)
            for t in range(thresh_num):
                above = np.flatnonzero(pred[:, 4] >= 1 - (t + 1) / thresh_num)
                if len(above):
                    r = above[-1]
                    curve[t] += [
                        np.sum(proposal[:r + 1] == 1), recall_after[r]
                    ]
    with np.errstate(invalid='ignore', divide='ignore'):
        precision = curve[:, 1] / curve[:, 0]
    return W.voc_continuous_ap(curve[:, 1] / count, precision)


def test_matches_a_loop_transcription_on_random_crowds():
    rng = np.random.default_rng(3)
    images, preds, keep = {}, {}, {s: {} for s in WIO.SETTINGS}
    for k in range(12):
        n = int(rng.integers(0, 8))
        faces = np.concatenate(
            [rng.uniform(0, 120, (n, 2)),
             rng.uniform(4, 60, (n, 2))], 1).round()
        images[f'0_a_{k}'] = faces
        size = faces[:, 2] * faces[:, 3]
        keep['easy'][f'0_a_{k}'] = np.flatnonzero(size > 900)
        keep['medium'][f'0_a_{k}'] = np.flatnonzero(size > 200)
        keep['hard'][f'0_a_{k}'] = np.flatnonzero(rng.random(n) < .9)
        m = int(rng.integers(0, 12))
        jitter = faces[rng.integers(0, max(n, 1), m)] if n else np.zeros(
            (m, 4)) + 30
        dets = jitter + rng.normal(0, 4, (m, 4))
        # quantised scores make ties, within and across images
        preds[f'0--Parade/0_a_{k}'] = np.concatenate(
            [dets, rng.integers(0, 40, (m, 1)) / 7.], 1)
    gt = make_gt(images, keep)
    aps = W.evaluate_wider_face(preds, gt)
    for setting in WIO.SETTINGS:
        assert aps[setting] == pytest.approx(
            reference_ap(preds, gt, setting), abs=1e-12)
    assert 0.2 < aps['hard'] < 0.9


def test_prediction_checks():
    _, gt = known_case()
    with pytest.raises(KeyError, match='0--Parade/nope'):
        W.evaluate_wider_face({'0--Parade/nope': np.zeros((0, 5))}, gt)
    with pytest.raises(ValueError, match='Nx5'):
        W.evaluate_wider_face({'0--Parade/0_a_1': np.zeros((2, 4))}, gt)
    with pytest.raises(ValueError, match='NaN'):
        W.evaluate_wider_face({'0--Parade/0_a_1': np.array([det(F1, np.nan)])},
                              gt)


def test_mat_round_trip_and_official_structure(tmp_path):
    from scipy.io import loadmat
    preds, gt = known_case()
    WIO.save_wider_face_gt(str(tmp_path), gt)
    mat = loadmat(str(tmp_path / 'wider_face_val.mat'))
    # the access pattern of the official Python port
    assert str(mat['event_list'][0][0][0]) == '0--Parade'
    assert str(mat['file_list'][0][0][0][0][0]) == '0_a_1'
    assert mat['face_bbx_list'][0][0][0][0].shape == (4, 4)
    hard = loadmat(str(tmp_path / 'wider_hard_val.mat'))['gt_list']
    assert hard[0][0][0][0].dtype == np.uint8
    assert hard[0][0][0][0].ravel().tolist() == [1, 2, 3, 4]
    loaded = WIO.load_wider_face_gt(str(tmp_path))
    assert loaded.keys() == gt.keys()
    for s in WIO.SETTINGS:
        assert loaded.keep[s][0][0].tolist() == gt.keep[s][0][0].tolist()
    assert W.evaluate_wider_face(preds,
                                 loaded) == W.evaluate_wider_face(preds, gt)


def test_mat_empty_index_lists_as_0x0_and_0x1(tmp_path):
    gt = make_gt({'0_a_1': [F1], '0_a_2': [F2]})
    WIO.save_wider_face_gt(str(tmp_path), gt)
    cell = np.empty((1, 1), object)
    images = np.empty((2, 1), object)
    images[0, 0] = np.zeros((0, 0), np.uint8)
    images[1, 0] = np.zeros((0, 1), np.uint8)
    cell[0, 0] = images
    savemat(str(tmp_path / 'wider_easy_val.mat'), dict(gt_list=cell))
    loaded = WIO.load_wider_face_gt(str(tmp_path))
    assert [k.size for k in loaded.keep['easy'][0]] == [0, 0]


def test_malformed_mat_files_name_file_and_key(tmp_path):
    gt = make_gt({'0_a_1': [F1], '0_a_2': [F2]})
    WIO.save_wider_face_gt(str(tmp_path), gt)
    with pytest.raises(FileNotFoundError, match='nowhere'):
        WIO.load_wider_face_gt(str(tmp_path / 'nowhere'))
    hard = str(tmp_path / 'wider_hard_val.mat')
    savemat(hard, dict(other=np.zeros(2)))
    with pytest.raises(KeyError, match=r"wider_hard_val.mat: key 'gt_list'"):
        WIO.load_wider_face_gt(str(tmp_path))
    cell = np.empty((1, 1), object)
    images = np.empty((2, 1), object)
    images[0, 0] = np.array([[1]], np.uint8)
    images[1, 0] = np.array([[2]], np.uint8)  # the image has one face
    cell[0, 0] = images
    savemat(hard, dict(gt_list=cell))
    with pytest.raises(
            ValueError, match=r'wider_hard_val.mat.*image 2 \(0_a_2\)'):
        WIO.load_wider_face_gt(str(tmp_path))
    images = np.empty((1, 1), object)
    images[0, 0] = np.array([[1]], np.uint8)
    cell[0, 0] = images
    savemat(hard, dict(gt_list=cell))
    with pytest.raises(ValueError, match='has 1 images'):
        WIO.load_wider_face_gt(str(tmp_path))
    (tmp_path / 'wider_face_val.mat').write_text('not a mat file')
    with pytest.raises(ValueError, match='wider_face_val.mat: not a'):
        WIO.load_wider_face_gt(str(tmp_path))


def test_submission_txt_round_trip_and_errors(tmp_path):
    dets = np.array([[1.5, 2, 3, 4, .25], [10, 20, 30, 40, .9123456789]])
    path = str(tmp_path / '0--Parade' / '0_a_1.txt')
    WIO.write_prediction_txt(path, '0_a_1', dets)
    lines = open(path).read().splitlines()
    assert lines[:2] == ['0_a_1', '2'] and lines[2].startswith('10 20 30 40')
    np.testing.assert_array_equal(WIO.read_prediction_txt(path), dets[::-1])
    cases = {
        '0_a_1\n': 'lines 1-2',
        '0_a_1\ntwo\n': ':2: expected the number',
        '0_a_1\n2\n1 2 3 4 0.5\n': 'announces 2 faces',
        '0_a_1\n1\n1 2 3 4\n': ':3: expected "x y w h score"',
        '0_a_1\n2\n1 2 3 4 .5\n1 2 3 x 0.5\n': ':4: not a number',
    }
    for text, message in cases.items():
        with open(path, 'w') as f:
            f.write(text)
        with pytest.raises(ValueError, match=message):
            WIO.read_prediction_txt(path)
