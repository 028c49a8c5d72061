"""LSP dataset (original joints.mat release) and the PCK@0.2 metric."""
import numpy as np
import pytest
from scipy.io import savemat

from mmext.pose.datasets import LspDataset
from mmext.pose.evaluation import LspPCKAccuracy


def write_lsp(path, n=2000, subset='lsp'):
    rng = np.random.default_rng(0)
    xy = rng.uniform(10, 100, size=(n, 14, 2))
    flag = np.zeros((n, 14, 1))
    flag[0, [3, 7]] = 1  # occluded (LSP) / visible (LSPET)
    flag[1] = 1
    joints = np.concatenate([xy, flag], axis=2)  # n, 14, 3
    if subset == 'lsp':
        savemat(path, dict(joints=joints.transpose(2, 1, 0)))  # 3, 14, n
    else:
        savemat(path, dict(joints=joints.transpose(1, 2, 0)))  # 14, 3, n
    return xy


def test_lsp_splits_coordinates_and_boxes(tmp_path):
    xy = write_lsp(str(tmp_path / 'joints.mat'))
    test = LspDataset(
        ann_file=str(tmp_path / 'joints.mat'),
        split='test',
        data_prefix=dict(img='images/'),
        test_mode=True)
    assert len(test) == 1000
    info = test.get_data_info(0)
    assert info['img_path'] == 'images/im1001.jpg'
    np.testing.assert_allclose(info['keypoints'][0], xy[1000] - 1, rtol=1e-6)
    assert info['keypoints_visible'].tolist() == [[1.] * 14]
    np.testing.assert_allclose(
        info['bbox'][0],
        np.concatenate([xy[1000].min(0), xy[1000].max(0)]) - 1,
        rtol=1e-6)
    assert info['flip_indices'] == [
        5, 4, 3, 2, 1, 0, 11, 10, 9, 8, 7, 6, 12, 13
    ]
    train = LspDataset(ann_file=str(tmp_path / 'joints.mat'), split='train')
    assert len(train) == 1000
    assert train.get_data_info(999)['img_path'] == 'images/im1000.jpg'


def test_lspet_layout_and_visibility(tmp_path):
    xy = write_lsp(str(tmp_path / 'joints.mat'), n=3, subset='lspet')
    ds = LspDataset(
        ann_file=str(tmp_path / 'joints.mat'), subset='lspet', split='train')
    assert len(ds) == 2  # image 3 has no visible joint: skipped
    info = ds.get_data_info(0)
    assert info['img_path'] == 'images/im00001.jpg'
    expected = np.zeros(14)
    expected[[3, 7]] = 1
    assert info['keypoints_visible'][0].tolist() == expected.tolist()
    np.testing.assert_allclose(
        info['bbox'][0],
        np.concatenate([xy[0, [3, 7]].min(0), xy[0, [3, 7]].max(0)]) - 1,
        rtol=1e-6)
    assert ds.get_data_info(1)['keypoints_visible'].sum() == 14


def test_lsp_errors(tmp_path):
    savemat(str(tmp_path / 'j.mat'), dict(joints=np.zeros((14, 3, 5))))
    with pytest.raises(ValueError, match=r'has shape \(14, 3, 5\)'):
        LspDataset(ann_file=str(tmp_path / 'j.mat'))
    savemat(str(tmp_path / 'k.mat'), dict(points=np.zeros((3, 14, 5))))
    with pytest.raises(KeyError, match='no variable "joints"'):
        LspDataset(ann_file=str(tmp_path / 'k.mat'))
    with pytest.raises(ValueError, match='split must be'):
        LspDataset(
            ann_file=str(tmp_path / 'k.mat'), subset='lspet', split='test')
    with pytest.raises(FileNotFoundError, match='does not exist'):
        LspDataset(ann_file=str(tmp_path / 'none.mat'))


def run_metric(metric, samples):
    metric.process([{}] * len(samples), samples)
    return metric.compute_metrics(metric.results)


def make_sample(gt, pred, visible):
    return dict(
        gt_instances=dict(keypoints=gt[None], keypoints_visible=visible[None]),
        pred_instances=dict(keypoints=pred[None]))


def test_lsp_pck_hand_computed():
    """Torso = |left shoulder (9) - right hip (2)| = 10 px, thr 0.2 = 2 px."""
    gt = np.zeros((14, 2))
    gt[9] = (0, 0)
    gt[2] = (6, 8)
    offsets = np.zeros((14, 2))
    offsets[[0, 1, 6]] = (1.5, 0)  # 0.15 torso: correct
    offsets[[5, 7]] = (0, 2.5)  # 0.25 torso: wrong
    offsets[13] = (1.2, 1.6)  # exactly 0.2: wrong (mmpose: <)
    visible = np.ones(14)
    visible[11] = 0  # not scored
    offsets[11] = (50, 50)
    # a second person, torso 20 px: offset 3 px = 0.15 -> all correct
    gt2 = gt * 2
    pred2 = gt2 + (3, 0)
    metrics = run_metric(LspPCKAccuracy(), [
        make_sample(gt, gt + offsets, visible),
        make_sample(gt2, pred2, np.ones(14))
    ])
    # 27 scored joints, 3 wrong
    assert metrics['PCK'] == pytest.approx(100 * 24 / 27)
    assert metrics['Ankle PCK'] == pytest.approx((100 + 50) / 2)
    assert metrics['Elbow PCK'] == pytest.approx((50 + 100) / 2)
    assert metrics['Wrist PCK'] == pytest.approx(100)  # joint 11 unscored
    assert metrics['Head PCK'] == pytest.approx((50 + 100) / 2)
    assert metrics['Knee PCK'] == pytest.approx(100)
    # at 0.1 (1 / 2 px): person 1 only joints with zero offset (7 of 13),
    # person 2: none of 14 (0.15 > 0.1)
    assert metrics['PCK@0.1'] == pytest.approx(100 * 7 / 27)


def test_lsp_pck_mpii_order_and_degenerate_torso():
    gt = np.zeros((16, 2))
    gt[13] = (0, 0)
    gt[2] = (0, 10)
    pred = gt + (0, 3)  # 0.3 torso: all wrong at 0.2, right at 0.4
    metric = LspPCKAccuracy(thr=0.4, torso_indices=(13, 2), parts={})
    flat = np.zeros((16, 2))  # torso 0: not scored
    metrics = run_metric(metric, [
        make_sample(gt, pred, np.ones(16)),
        make_sample(flat, flat + 100, np.ones(16))
    ])
    assert metrics == {'PCK': pytest.approx(100.), 'PCK@0.2': 0.}
    with pytest.raises(ValueError, match='out of range'):
        run_metric(LspPCKAccuracy(), [make_sample(gt[:5], gt[:5], np.ones(5))])
