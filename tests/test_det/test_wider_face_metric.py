"""WIDERFaceMetric on the quickstart data, and the command-line evaluator."""
import importlib.util
import json
import os.path as osp
import subprocess
import sys

import numpy as np
import pytest
import torch
from mmdet.registry import DATASETS, METRICS
from mmengine.registry import init_default_scope

import mmext.det  # noqa: F401
from mmext.det.datasets.wider_face_quickstart_data import \
    prepare_quickstart_data

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CLI = osp.join(ROOT, 'tools', 'analysis_tools', 'wider_face_eval.py')


@pytest.fixture(scope='module')
def data_root(tmp_path_factory):
    return prepare_quickstart_data(
        str(tmp_path_factory.mktemp('qs') / 'wider_face'))


@pytest.fixture(scope='module')
def val_set(data_root):
    init_default_scope('mmdet')
    ds = DATASETS.build(
        dict(
            type='WIDERFaceTxtDataset',
            data_root=data_root,
            ann_file='wider_face_split/wider_face_val_bbx_gt.txt',
            data_prefix=dict(img='WIDER_val/images/'),
            test_mode=True))
    return [ds.get_data_info(k) for k in range(len(ds))]


def samples(val_set, jitter=0., false_positives=0, seed=0):
    """mmdet-style outputs: every face found, with noise and extra boxes."""
    rng = np.random.default_rng(seed)
    out = []
    for info in val_set:
        boxes = np.array([i['bbox'] for i in info['instances']],
                         dtype=np.float32).reshape(-1, 4)
        boxes += rng.normal(0, jitter, boxes.shape) * (
            boxes[:, 2:] - boxes[:, :2]).repeat(2, 1)
        extra = rng.uniform(0, 200, (false_positives, 2))
        boxes = np.concatenate([boxes,
                                np.concatenate([extra, extra + 30],
                                               1)]).astype(np.float32)
        scores = rng.uniform(0, 1, len(boxes)).astype(np.float32)
        out.append(
            dict(
                img_path=info['img_path'],
                pred_instances=dict(
                    bboxes=torch.from_numpy(boxes),
                    scores=torch.from_numpy(scores),
                    labels=torch.zeros(len(boxes), dtype=torch.long))))
    return out


def evaluate(outputs, **kwargs):
    metric = METRICS.build(dict(type='WIDERFaceMetric', **kwargs))
    metric.process({}, outputs[:len(outputs) // 2])
    metric.process({}, outputs[len(outputs) // 2:])
    return metric.evaluate(len(outputs))


def test_perfect_detector_scores_one(data_root, val_set):
    gt_dir = osp.join(data_root, 'eval_tools', 'ground_truth')
    metrics = evaluate(samples(val_set), gt_dir=gt_dir)
    assert metrics == pytest.approx({
        'wider_face/easy': 1.,
        'wider_face/medium': 1.,
        'wider_face/hard': 1.
    })


def test_missing_images_count_as_missed(data_root, val_set):
    gt_dir = osp.join(data_root, 'eval_tools', 'ground_truth')
    half = evaluate(samples(val_set)[:12], gt_dir=gt_dir)
    assert 0 < half['wider_face/hard'] < 1


def test_submission_round_trip_matches_the_metric(data_root, val_set,
                                                  tmp_path):
    gt_dir = osp.join(data_root, 'eval_tools', 'ground_truth')
    sub = tmp_path / 'sub'
    metrics = evaluate(
        samples(val_set, jitter=.15, false_positives=3),
        gt_dir=gt_dir,
        submission_dir=str(sub))
    assert 0.1 < metrics['wider_face/easy'] < 1
    assert 0.1 < metrics['wider_face/hard'] < 1
    first = val_set[0]['img_id']
    lines = (sub / f'{first}.txt').read_text().splitlines()
    assert lines[0] == osp.basename(first)
    assert int(lines[1]) == len(lines) - 2 == len(val_set[0]['instances']) + 3
    scores = [float(line.split()[4]) for line in lines[2:]]
    assert scores == sorted(scores, reverse=True)
    proc = subprocess.run([
        sys.executable, CLI, '--pred',
        str(sub), '--gt', gt_dir, '--json',
        str(tmp_path / 'aps.json')
    ],
                          cwd=ROOT,
                          capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert 'Easy' in proc.stdout and 'Hard' in proc.stdout
    aps = json.loads((tmp_path / 'aps.json').read_text())
    assert {f'wider_face/{k}': v for k, v in aps.items()} == metrics


def load_cli():
    spec = importlib.util.spec_from_file_location('wider_face_eval', CLI)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_errors_name_the_file(data_root, val_set, tmp_path, monkeypatch):
    gt_dir = osp.join(data_root, 'eval_tools', 'ground_truth')
    sub = tmp_path / 'sub'
    assert evaluate(
        samples(val_set[:3]), submission_dir=str(sub), format_only=True) == {}
    cli = load_cli()
    monkeypatch.setattr(
        sys, 'argv',
        ['wider_face_eval.py', '--pred',
         str(sub), '--gt', gt_dir])
    with pytest.raises(FileNotFoundError, match='21 of 24 prediction'):
        cli.main()
    monkeypatch.setattr(sys, 'argv', sys.argv + ['--allow-missing'])
    cli.main()
    bad = sub / f'{val_set[1]["img_id"]}.txt'
    bad.write_text('name\n1\n1 2 3 4\n')
    with pytest.raises(ValueError, match=rf'{bad}:3: expected "x y w h'):
        cli.main()


def test_metric_arguments_and_duplicates(data_root, val_set):
    with pytest.raises(ValueError, match='gt_dir'):
        METRICS.build(dict(type='WIDERFaceMetric'))
    with pytest.raises(ValueError, match='submission_dir'):
        METRICS.build(dict(type='WIDERFaceMetric', format_only=True))
    outputs = samples(val_set[:2])
    with pytest.raises(ValueError, match='predicted twice'):
        evaluate(outputs + outputs[:1], gt_dir=data_root)
