"""FDDB: ellipse annotations, the discrete/continuous ROC and the metric."""
import json
import os.path as osp
import subprocess
import sys

import cv2
import numpy as np
import pytest
import torch
from mmdet.registry import DATASETS, METRICS
from mmengine.registry import init_default_scope

import mmext.det  # noqa: F401
from mmext.det.datasets import fddb_io as FIO
from mmext.det.evaluation.functional import fddb_eval as F

FOLD_1 = """2002/08/11/big/img_591
1
123.583300 85.549500 1.265839 269.693400 161.781200  1
2002/08/26/big/img_265
2
67.363819 44.511485 -1.476417 105.249970 87.209036  1
41.936870 27.064477 1.471906 184.070915 129.345601  1
"""
FOLD_2 = """2003/01/01/big/img_1
0
"""


def test_overlaps_match_drawn_masks():
    rng = np.random.default_rng(0)
    shape = (90, 120)
    ellipses = np.concatenate([
        rng.uniform(8, 40, (4, 2)),
        rng.uniform(-np.pi, np.pi, (4, 1)),
        rng.uniform(0, 120, (4, 1)),
        rng.uniform(0, 90, (4, 1))
    ], 1)
    rects = np.concatenate(
        [rng.uniform(-20, 110, (6, 2)),
         rng.uniform(-10, 60, (6, 2))], 1)
    overlaps = F.region_overlaps(ellipses, rects, shape)
    masks = F.ellipse_masks(ellipses, shape).astype(bool)
    for j, (x, y, w, h) in enumerate(rects):
        rect = np.zeros(shape, np.uint8)
        cv2.rectangle(rect, (int(np.rint(x)), int(np.rint(y))),
                      (int(np.rint(x + w)), int(np.rint(y + h))), 1, -1)
        for i, mask in enumerate(masks):
            union = (mask | rect.astype(bool)).sum()
            expected = (mask & rect.astype(bool)).sum() / union if union \
                else 0.
            assert overlaps[i, j] == pytest.approx(expected)
    assert overlaps.max() > 0.05


def test_ellipse_geometry():
    ellipse = np.array([[40., 30, np.pi / 2, 100, 80]])
    np.testing.assert_allclose(
        FIO.ellipse_bboxes(ellipse), [[70, 40, 130, 120]], atol=1e-9)
    np.testing.assert_allclose(
        FIO.ellipse_bboxes(np.array([[40., 30, 0, 100, 80]])),
        [[60, 50, 140, 110]])
    mask = F.ellipse_masks(ellipse, (200, 200))[0]
    ys, xs = np.nonzero(mask)
    # the major axis (ra = 40) drawn at theta = 90 degrees is vertical
    assert (xs.min(), xs.max(), ys.min(), ys.max()) == (70, 130, 40, 120)
    assert mask.sum() == pytest.approx(np.pi * 40 * 30, rel=.05)
    # the rectangle enclosing the ellipse overlaps it by about pi / 4
    iou = F.region_overlaps(ellipse, np.array([[70., 40, 60, 80]]), (200, 200))
    assert iou[0, 0] == pytest.approx(np.pi / 4, abs=.02)


def test_image_roc_uses_the_hungarian_matching_per_threshold():
    overlaps = np.array([[0.9, 0.7, 0.0], [0.6, 0.0, 0.0]])
    scores = np.array([.9, .5, .5])
    thresholds, counts, disc, cont = F.image_roc(overlaps, scores)
    np.testing.assert_array_equal(thresholds, [.9, .5])
    np.testing.assert_array_equal(counts, [1, 3])
    # t = .9: det 0 -> face 0 (0.9); t = .5: the sum is maximised by
    # det 0 -> face 1 (0.6) and det 1 -> face 0 (0.7), not greedily
    np.testing.assert_allclose(disc, [1, 2])
    np.testing.assert_allclose(cont, [.9, 1.3])


def hand_case():
    ellipses = np.array([[30., 20, np.pi / 2, 50, 50],
                         [30., 20, np.pi / 2, 150, 50]])
    face1 = [30., 20, 40, 60]  # the enclosing box of face 1
    face2 = [130., 20, 40, 60]
    loose = [120., 10, 60, 80]  # around face 2, IoU < 0.5
    dets = np.array([[*face1, .9], [200., 100, 30, 30, .8], [*loose, .7],
                     [*face2, .6]])
    return ellipses, dets


def test_discrete_roc_on_a_hand_built_image():
    ellipses, dets = hand_case()
    iou = F.region_overlaps(ellipses, dets[:, :4], (160, 260))
    assert iou[0, 0] > .5 and iou[1, 3] > .5 and 0 < iou[1, 2] < .5
    assert iou[0, 1] == iou[1, 1] == 0
    out = F.evaluate_fddb({'a': dets}, {
        'a': ellipses,
        'b': ellipses[:1]
    }, {'a': (160, 260)},
                          fp_levels=(0, 1, 2),
                          return_roc=True)
    # 3 faces ('b' has no prediction). t=.9: TP 1 FP 0; t=.8: TP 1 FP 1;
    # t=.7: the loose box is matched (IoU < .5): TP 1 FP 2; t=.6: the
    # Hungarian prefers the tight box: TP 2 FP 2.
    np.testing.assert_allclose(
        out['roc'][:, :3],
        [[.9, 0, 1 / 3], [.8, 1, 1 / 3], [.7, 2, 1 / 3], [.6, 2, 2 / 3]])
    np.testing.assert_allclose(out['roc'][:, 3], [
        iou[0, 0] / 3, iou[0, 0] / 3, (iou[0, 0] + iou[1, 2]) / 3,
        (iou[0, 0] + iou[1, 3]) / 3
    ])
    assert out['discrete@0fp'] == out['discrete@1fp'] == pytest.approx(1 / 3)
    assert out['discrete@2fp'] == pytest.approx(2 / 3)
    assert out['continuous@2fp'] == pytest.approx((iou[0, 0] + iou[1, 3]) / 3)


def test_rocs_of_several_images_merge_by_score():
    ellipses, dets = hand_case()
    annotations = {'a': ellipses, 'b': ellipses}
    shapes = {'a': (160, 260), 'b': (160, 260)}
    both = F.evaluate_fddb({
        'a': dets,
        'b': dets * [1, 1, 1, 1, .5]
    },
                           annotations,
                           shapes,
                           fp_levels=(1, 3),
                           return_roc=True)
    # b's scores are halved: at t >= .45 b contributes its .45 result
    # (its tight face-1 box, TP 1 FP 0)
    roc = both['roc']
    assert roc[:, 0].tolist() == [.9, .8, .7, .6, .45, .4, .35, .3]
    np.testing.assert_allclose(roc[:, 1], [0, 1, 2, 2, 2, 3, 4, 4])
    np.testing.assert_allclose(roc[:, 2] * 4, [1, 1, 1, 2, 3, 3, 3, 4])
    assert both['discrete@1fp'] == pytest.approx(1 / 4)
    assert both['discrete@3fp'] == pytest.approx(3 / 4)


def test_prediction_checks():
    ellipses, dets = hand_case()
    with pytest.raises(KeyError, match="'z'"):
        F.evaluate_fddb({'z': dets}, {'a': ellipses}, {'z': (10, 10)})
    with pytest.raises(KeyError, match='shape'):
        F.evaluate_fddb({'a': dets}, {'a': ellipses}, {})
    with pytest.raises(ValueError, match='Dx5'):
        F.evaluate_fddb({'a': dets[:, :4]}, {'a': ellipses}, {'a': (9, 9)})


def write_folds(root):
    folds = root / 'FDDB-folds'
    folds.mkdir(parents=True, exist_ok=True)
    (folds / 'FDDB-fold-01-ellipseList.txt').write_text(FOLD_1)
    (folds / 'FDDB-fold-02-ellipseList.txt').write_text(FOLD_2)
    (folds / 'FDDB-fold-01.txt').write_text('2002/08/11/big/img_591\n')
    return folds


def test_dataset_reads_one_fold_or_all(tmp_path):
    write_folds(tmp_path)
    init_default_scope('mmdet')
    cfg = dict(
        type='FDDBDataset',
        data_root=str(tmp_path),
        data_prefix=dict(img='originalPics/'),
        test_mode=True)
    one = DATASETS.build(
        dict(cfg, ann_file='FDDB-folds/FDDB-fold-01-ellipseList.txt'))
    assert len(one) == 2
    info = one.get_data_info(1)
    assert info['img_id'] == '2002/08/26/big/img_265'
    assert info['img_path'].endswith('originalPics/2002/08/26/big/'
                                     'img_265.jpg')
    assert len(info['instances']) == 2
    ellipse = info['instances'][1]['ellipse']
    assert ellipse == pytest.approx(
        [41.936870, 27.064477, 1.471906, 184.070915, 129.345601])
    np.testing.assert_allclose(info['instances'][1]['bbox'],
                               FIO.ellipse_bboxes(np.array([ellipse]))[0])
    every = DATASETS.build(dict(cfg, ann_file='FDDB-folds'))
    assert len(every) == 3 and every.get_data_info(2)['instances'] == []


@pytest.mark.parametrize('text, line, message', [
    (FOLD_1.replace('\n1\n', '\none\n'), 2, 'number of faces'),
    (FOLD_1.replace('  1\n2002', '\n2002'), 3, 'major_axis_radius'),
    (FOLD_1.replace('\n2\n', '\n3\n'), 8, 'announces 3 faces'),
    (FOLD_1.replace('2002/08/26/big/img_265', 'a b'), 4, 'image path'),
    (FOLD_1.replace('123.583300 85.549500', '-123.583300 85.549500'), 3,
     'positive major and minor'),
    (FOLD_1.replace('41.936870 27.064477', '41.936870 0'), 7,
     'positive major and minor'),
    (FOLD_1.replace('123.583300', 'inf'), 3, 'finite values'),
])
def test_malformed_ellipse_lists_name_file_and_line(tmp_path, text, line,
                                                    message):
    path = tmp_path / 'FDDB-fold-03-ellipseList.txt'
    path.write_text(text)
    with pytest.raises(
            ValueError, match=rf'ellipseList.txt:{line}: .*{message}'):
        FIO.parse_fddb_ellipse_list(str(path), text)


def test_metric_with_official_roc_files(tmp_path):
    folds = write_folds(tmp_path)
    ellipses = dict(FIO.parse_fddb_ellipse_list('f', FOLD_1))
    samples = []
    for key, score in (('2002/08/11/big/img_591', .9),
                       ('2002/08/26/big/img_265', .4)):
        boxes = FIO.ellipse_bboxes(ellipses[key])
        samples.append(
            dict(
                img_id=key,
                ori_shape=(450, 400),
                pred_instances=dict(
                    bboxes=torch.tensor(
                        np.concatenate([boxes, [[0, 0, 20, 20]]]),
                        dtype=torch.float32),
                    scores=torch.tensor([score] * len(boxes) + [.1]))))
    metric = METRICS.build(
        dict(
            type='FDDBMetric',
            ann_file=str(folds),
            fp_levels=(0, 2),
            roc_prefix=str(tmp_path / 'roc' / 'mmext')))
    metric.process({}, samples)
    out = metric.evaluate(2)
    # 3 faces, all found with the enclosing boxes (IoU ~ pi / 4), then the
    # two corner boxes: 2 false positives
    assert out == pytest.approx(
        {
            'fddb/discrete@0fp': 1.,
            'fddb/continuous@0fp': np.pi / 4,
            'fddb/discrete@2fp': 1.,
            'fddb/continuous@2fp': np.pi / 4
        },
        abs=.03)
    disc = np.loadtxt(tmp_path / 'roc' / 'mmextDiscROC.txt')
    np.testing.assert_allclose(disc, [[1, 2, .1], [1, 0, .4], [1 / 3, 0, .9]])
    assert np.loadtxt(tmp_path / 'roc' / 'mmextContROC.txt').shape == (3, 2)


ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CLI = osp.join(ROOT, 'tools', 'analysis_tools', 'fddb_eval.py')
CONFIG = osp.join(ROOT, 'configs', 'asfd',
                  'asfd-d1_r18_8xb4-121e_widerface_test-fddb.py')


def test_detection_files_round_trip_and_name_file_and_line(tmp_path):
    dets = {
        'a/img_1': np.array([[1.25, 2, 30, 40, .75], [0, 0, 5, 5, 1 / 3]]),
        'b/img_2': np.zeros((0, 5))
    }
    path = str(tmp_path / 'out' / 'fold-all-out.txt')
    FIO.write_fddb_detections(path, dets)
    with open(path) as f:
        text = f.read()
    assert text.splitlines()[:3] == ['a/img_1', '2', '1.25 2 30 40 0.75']
    read = FIO.parse_fddb_detections(path, text)
    assert [k for k, _ in read] == list(dets)
    for (_, got), want in zip(read, dets.values()):
        np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match=r'out.txt:4: expected five finite'):
        FIO.parse_fddb_detections(path, text.replace('0 0 5 5', '0 0 5 x'))
    with pytest.raises(ValueError, match=r'out.txt:3: expected five finite'):
        FIO.parse_fddb_detections(path, text.replace(' 0.75\n', ' nan\n'))


def test_fddb_config_tests_on_fddb_and_trains_on_wider_face(tmp_path):
    from mmengine.config import Config
    cfg = Config.fromfile(CONFIG)
    wider = Config.fromfile(CONFIG.replace('_test-fddb', ''))
    # training, validation and the model are the WIDER FACE recipe's
    for key in ('model', 'train_dataloader', 'val_dataloader',
                'val_evaluator', 'optim_wrapper', 'train_cfg'):
        assert cfg[key] == wider[key], key
    assert cfg.test_dataloader.dataset.pipeline == \
        wider.test_dataloader.dataset.pipeline
    assert cfg.test_evaluator == dict(
        type='FDDBMetric', ann_file='data/FDDB/FDDB-folds/',
        fp_levels=(1000, ))
    # the test set is every fold of the official release
    write_folds(tmp_path)
    init_default_scope('mmdet')
    dataset = DATASETS.build(
        dict(cfg.test_dataloader.dataset, data_root=str(tmp_path)))
    assert [dataset.get_data_info(k)['img_id'] for k in range(3)] == [
        '2002/08/11/big/img_591', '2002/08/26/big/img_265',
        '2003/01/01/big/img_1'
    ]
    assert dataset.get_data_info(0)['img_path'] == osp.join(
        str(tmp_path), 'originalPics', '2002/08/11/big/img_591.jpg')


def test_cli_scores_the_metric_submission_as_the_metric(tmp_path):
    folds = write_folds(tmp_path)
    ellipses = dict(FIO.parse_fddb_ellipse_list('f', FOLD_1 + FOLD_2))
    shapes = {
        '2002/08/11/big/img_591': (450, 400),
        '2002/08/26/big/img_265': (300, 320),
        '2003/01/01/big/img_1': (120, 160)
    }
    for key, (h, w) in shapes.items():
        img = tmp_path / 'originalPics' / (key + '.jpg')
        img.parent.mkdir(parents=True, exist_ok=True)
        cv2.imwrite(str(img), np.zeros((h, w, 3), np.uint8))
    rng = np.random.default_rng(3)
    samples = []
    for key, (h, w) in shapes.items():
        boxes = FIO.ellipse_bboxes(ellipses[key]) + rng.uniform(
            -6, 6, (len(ellipses[key]), 4))
        boxes = np.concatenate([boxes, [[0, 0, 30, 30], [5, 5, 60, 40]]])
        samples.append(
            dict(
                img_id=key,
                ori_shape=(h, w),
                pred_instances=dict(
                    bboxes=torch.tensor(boxes, dtype=torch.float64),
                    scores=torch.tensor(
                        rng.uniform(.05, 1, len(boxes)),
                        dtype=torch.float64))))
    sub = tmp_path / 'sub' / 'fold-all-out.txt'
    metric = METRICS.build(
        dict(
            type='FDDBMetric',
            ann_file=str(folds),
            fp_levels=(0, 1, 4),
            roc_prefix=str(tmp_path / 'metric' / 'm'),
            submission_file=str(sub)))
    metric.process({}, samples)
    out = metric.evaluate(3)
    assert 0 < out['fddb/discrete@4fp'] <= 1
    assert out['fddb/discrete@0fp'] <= out['fddb/discrete@4fp']
    proc = subprocess.run([
        sys.executable, CLI, '--pred',
        str(sub), '--ann',
        str(folds), '--img-root',
        str(tmp_path / 'originalPics'), '--fp-levels', '0', '1', '4',
        '--roc-prefix',
        str(tmp_path / 'cli' / 'c'), '--json',
        str(tmp_path / 'rates.json')
    ],
                          cwd=ROOT,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines()[0].split() == [
        'FP', 'discrete', 'continuous'
    ]
    rates = json.loads((tmp_path / 'rates.json').read_text())
    assert {f'fddb/{k}': v for k, v in rates.items()} == out
    for name in ('DiscROC.txt', 'ContROC.txt'):
        assert (tmp_path / 'cli' / f'c{name}').read_text() == \
            (tmp_path / 'metric' / f'm{name}').read_text()
    # an image the annotations do not have stops the run, naming it
    with open(sub, 'a') as f:
        f.write('2009/01/01/big/img_9\n0\n')
    proc = subprocess.run([
        sys.executable, CLI, '--pred',
        str(sub), '--ann',
        str(folds), '--img-root',
        str(tmp_path / 'originalPics')
    ],
                          cwd=ROOT,
                          capture_output=True,
                          text=True)
    assert proc.returncode != 0 and '2009/01/01/big/img_9' in proc.stderr
