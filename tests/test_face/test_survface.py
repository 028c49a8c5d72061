"""QMUL-SurvFace: the verification and identification test-set readers
(.mat protocol files) and their metrics (TAR@FAR, AUC, open-set TPIR)."""
import os
import os.path as osp

import cv2
import numpy as np
import pytest
import torch
from mmpretrain.structures import DataSample
from scipy.io import savemat

import mmext  # noqa: F401
from mmext.face.datasets import (SurvFaceIdentificationDataset,
                                 SurvFaceVerificationDataset)
from mmext.face.evaluation import (FaceVerificationMetric,
                                   SurvFaceIdentificationMetric,
                                   SurvFaceVerificationMetric)

VER = 'Face_Verification_Test_Set'
IDENT = 'Face_Identification_Test_Set'


def cells(names, shape):
    """A MATLAB cell array of strings, as ``savemat`` writes it."""
    array = np.empty(shape, dtype=object)
    array.ravel()[:] = names
    return array


def write_images(folder, names, size=(6, 5)):
    os.makedirs(folder, exist_ok=True)
    for i, name in enumerate(names):
        img = np.full((size[0], size[1], 3), 10 * i, np.uint8)
        cv2.imwrite(osp.join(folder, name), img)


def write_verification(root, positive, negative, keys=None):
    """``positive`` / ``negative``: lists of (name, name) pairs."""
    keys = keys or {}
    folder = osp.join(root, VER)
    names = sorted({n for pair in positive + negative for n in pair})
    write_images(osp.join(folder, 'verification_images'), names)
    for kind, pairs in (('positive', positive), ('negative', negative)):
        key = f'{kind}_pairs_names'
        savemat(
            osp.join(folder, f'{key}.mat'),
            {keys.get(key, key): cells(sum(pairs, ()), (len(pairs), 2))})
    return folder


def write_identification(root, gallery, mated, unmated):
    """``gallery`` / ``mated``: lists of (name, id); ``unmated``: names."""
    folder = osp.join(root, IDENT)
    for role, items, id_dtype in (('gallery', gallery, np.uint16),
                                  ('mated_probe', mated, np.float64)):
        write_images(osp.join(folder, role), [n for n, _ in items])
        savemat(
            osp.join(folder, f'{role}_img_ID_pairs.mat'), {
                f'{role}_set': cells([n for n, _ in items], (len(items), 1)),
                f'{role}_ids': np.array([[i] for _, i in items],
                                        dtype=id_dtype)
            })
    write_images(osp.join(folder, 'unmated_probe'), unmated)
    return folder


POSITIVE = [('1_a.jpg', '1_b.jpg'), ('2_a.jpg', '2_b.jpg')]
NEGATIVE = [('1_a.jpg', '3_a.jpg'), ('2_b.jpg', '3_a.jpg'),
            ('1_b.jpg', '2_a.jpg')]


def test_verification_dataset_items(tmp_path):
    write_verification(str(tmp_path), POSITIVE, NEGATIVE)
    dataset = SurvFaceVerificationDataset(data_root=str(tmp_path))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    # 5 pairs, two images each; positive and negative pairs alternate,
    # the third negative pair (no positive left) last.
    assert len(infos) == 10
    layout = [(i['pair_index'], i['pair_pos'], i['issame'],
               osp.basename(i['img_path'])) for i in infos]
    assert layout == [(0, 0, True, '1_a.jpg'), (0, 1, True, '1_b.jpg'),
                      (1, 0, False, '1_a.jpg'), (1, 1, False, '3_a.jpg'),
                      (2, 0, True, '2_a.jpg'), (2, 1, True, '2_b.jpg'),
                      (3, 0, False, '2_b.jpg'), (3, 1, False, '3_a.jpg'),
                      (4, 0, False, '1_b.jpg'), (4, 1, False, '2_a.jpg')]
    assert infos[3]['img_path'] == osp.join(
        str(tmp_path), VER, 'verification_images', '3_a.jpg')
    assert {i['set_name'] for i in infos} == {'survface'}


def test_verification_dataset_errors(tmp_path):
    root = str(tmp_path / 'key')
    write_verification(
        root, POSITIVE, NEGATIVE, keys={'positive_pairs_names': 'pairs'})
    with pytest.raises(
            ValueError,
            match=r"positive_pairs_names.mat: no variable "
            r"'positive_pairs_names' \(it holds \['pairs'\]\)"):
        SurvFaceVerificationDataset(data_root=root)

    root = str(tmp_path / 'file')
    folder = write_verification(root, POSITIVE, NEGATIVE)
    os.remove(osp.join(folder, 'negative_pairs_names.mat'))
    with pytest.raises(
            FileNotFoundError,
            match=r'negative_pairs_names.mat does not exist'):
        SurvFaceVerificationDataset(data_root=root)

    root = str(tmp_path / 'shape')
    folder = write_verification(root, POSITIVE, NEGATIVE)
    savemat(
        osp.join(folder, 'positive_pairs_names.mat'), {
            'positive_pairs_names':
            cells(['1_a.jpg', '1_b.jpg', '2_a.jpg'] * 2, (2, 3))
        })
    with pytest.raises(
            ValueError,
            match=r'positive_pairs_names.mat: positive_pairs_names has '
            r'shape \(2, 3\), expected an N x 2'):
        SurvFaceVerificationDataset(data_root=root)

    root = str(tmp_path / 'image')
    folder = write_verification(root, POSITIVE, NEGATIVE)
    os.remove(osp.join(folder, 'verification_images', '3_a.jpg'))
    with pytest.raises(
            ValueError,
            match=r'negative_pairs_names.mat: negative_pairs_names row 1 '
            r'names 3_a.jpg, which is not in .*verification_images \(2 of '
            r'the 6 names are missing\)'):
        SurvFaceVerificationDataset(data_root=root)

    root = str(tmp_path / 'cell')
    folder = write_verification(root, POSITIVE, NEGATIVE)
    savemat(
        osp.join(folder, 'negative_pairs_names.mat'),
        {'negative_pairs_names': cells(['1_a.jpg', ''], (1, 2))})
    with pytest.raises(
            ValueError,
            match=r'negative_pairs_names cell \(1, 2\) is not an image '
            'name'):
        SurvFaceVerificationDataset(data_root=root)


GALLERY = [('g1_a.jpg', 7), ('g1_b.jpg', 7), ('g2_a.jpg', 3)]
MATED = [('m1.jpg', 7), ('m2.jpg', 3)]
UNMATED = ['u2.jpg', 'u1.png', 'notes.txt']


def test_identification_dataset_items(tmp_path):
    write_identification(str(tmp_path), GALLERY, MATED, UNMATED[:2])
    with open(osp.join(tmp_path, IDENT, 'unmated_probe', 'notes.txt'),
              'w') as f:
        f.write('not an image')
    dataset = SurvFaceIdentificationDataset(data_root=str(tmp_path))
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]
    assert [(i['role'], i['subject'], osp.basename(i['img_path']))
            for i in infos] == [('gallery', 7, 'g1_a.jpg'),
                                ('gallery', 7, 'g1_b.jpg'),
                                ('gallery', 3, 'g2_a.jpg'),
                                ('mated_probe', 7, 'm1.jpg'),
                                ('mated_probe', 3, 'm2.jpg'),
                                ('unmated_probe', -1, 'u1.png'),
                                ('unmated_probe', -1, 'u2.jpg')]
    assert infos[3]['img_path'] == osp.join(
        str(tmp_path), IDENT, 'mated_probe', 'm1.jpg')


def test_identification_dataset_errors(tmp_path):
    root = str(tmp_path / 'key')
    folder = write_identification(root, GALLERY, MATED, UNMATED[:1])
    savemat(
        osp.join(folder, 'gallery_img_ID_pairs.mat'),
        {'gallery_set': cells([n for n, _ in GALLERY], (3, 1))})
    with pytest.raises(
            ValueError,
            match=r"gallery_img_ID_pairs.mat: no variable 'gallery_ids'"):
        SurvFaceIdentificationDataset(data_root=root)

    root = str(tmp_path / 'count')
    folder = write_identification(root, GALLERY, MATED, UNMATED[:1])
    savemat(
        osp.join(folder, 'mated_probe_img_ID_pairs.mat'), {
            'mated_probe_set': cells(['m1.jpg', 'm2.jpg'], (1, 2)),
            'mated_probe_ids': np.array([[7], [3], [3]])
        })
    with pytest.raises(
            ValueError,
            match='mated_probe_set has 2 names but mated_probe_ids 3 '
            'labels'):
        SurvFaceIdentificationDataset(data_root=root)

    root = str(tmp_path / 'image')
    folder = write_identification(root, GALLERY, MATED, UNMATED[:1])
    os.remove(osp.join(folder, 'gallery', 'g2_a.jpg'))
    with pytest.raises(
            ValueError,
            match=r'gallery_img_ID_pairs.mat: gallery_set row 3 names '
            r'g2_a.jpg, which is not in .*gallery \(1 of the 3'):
        SurvFaceIdentificationDataset(data_root=root)

    root = str(tmp_path / 'unenrolled')
    write_identification(root, GALLERY, MATED + [('m3.jpg', 5)], UNMATED[:1])
    with pytest.raises(
            ValueError,
            match=r'mated_probe_img_ID_pairs.mat: mated_probe_ids row 3 is '
            r'identity 5, which has no image in .*gallery_img_ID_pairs.mat'):
        SurvFaceIdentificationDataset(data_root=root)

    root = str(tmp_path / 'label')
    folder = write_identification(root, GALLERY, MATED, UNMATED[:1])
    savemat(
        osp.join(folder, 'gallery_img_ID_pairs.mat'), {
            'gallery_set': cells([n for n, _ in GALLERY], (3, 1)),
            'gallery_ids': np.array([[7], [7.5], [3]])
        })
    with pytest.raises(
            ValueError,
            match='gallery_ids must hold non-negative integer identity'):
        SurvFaceIdentificationDataset(data_root=root)

    root = str(tmp_path / 'unmated')
    write_identification(root, GALLERY, MATED, [])
    with pytest.raises(ValueError, match='unmated_probe holds no image'):
        SurvFaceIdentificationDataset(data_root=root)


def unit_pair(score, scale=1.):
    """Two 2-d embeddings (the first scaled) whose cosine is ``score``."""
    angle = np.arccos(score)
    return ([scale, 0.], [np.cos(angle), np.sin(angle)])


def verification_samples(scores, issame):
    samples = []
    for index, (score, same) in enumerate(zip(scores, issame)):
        for pos, feat in enumerate(unit_pair(score, scale=1. + index)):
            samples.append(
                dict(
                    pair_index=index,
                    pair_pos=pos,
                    issame=same,
                    pred_feat=torch.tensor(feat)))
    return samples


def test_verification_metric_hand_worked():
    """4 positive pairs (0.9, 0.6, 0.5, 0.2), 6 negative (0.6, 0.4, 0.3,
    0.1, 0.0, -0.2); a pair is accepted when its score is above the
    threshold.

    - FAR 0.3: floor(0.3 * 6) = 1 negative may pass, the threshold is the
      2nd largest negative, 0.4 (only 0.6 above it: FAR 1/6). Positives
      above 0.4: 0.9, 0.6, 0.5, TAR 3/4.
    - FAR 0.1, 0.01, 0.001: floor(r * 6) = 0, the threshold is the largest
      negative, 0.6: only 0.9 is above (the positive tied at 0.6 is
      rejected), TAR 1/4.
    - AUC: of the 24 (positive, negative) couples, the positive is higher
      in 6 (0.9) + 5 (0.6, plus a tie: 0.5) + 5 (0.5) + 3 (0.2) = 19.5,
      AUC = 19.5 / 24 = 0.8125. The ROC through (0, 0), (0, 1/4),
      (1/6, 1/2), (1/6, 3/4), (1/2, 3/4), (1/2, 1), (1, 1) has that area:
      1/6 * 3/8 + 1/3 * 3/4 + 1/2 = 0.8125.
    """
    positive = [0.9, 0.6, 0.5, 0.2]
    negative = [0.6, 0.4, 0.3, 0.1, 0.0, -0.2]
    samples = verification_samples(positive + negative,
                                   [True] * 4 + [False] * 6)
    metric = SurvFaceVerificationMetric()
    metric.process({}, samples[::-1])  # any order
    out = metric.evaluate(len(samples))
    assert out['survface/TAR@FAR=0.3'] == pytest.approx(75.)
    for far in ('0.1', '0.01', '0.001'):
        assert out[f'survface/TAR@FAR={far}'] == pytest.approx(25.)
    assert out['survface/AUC'] == pytest.approx(81.25)
    assert len(out) == 5


def test_verification_metric_errors():
    samples = verification_samples([0.5, 0.1], [True, False])
    metric = SurvFaceVerificationMetric()
    metric.process({}, samples[:3])
    with pytest.raises(
            ValueError,
            match=r'1 of the 4 pair images have no or several embeddings '
            r'\(first: pair 1 position 1\)'):
        metric.evaluate(3)
    metric = SurvFaceVerificationMetric()
    metric.process({}, verification_samples([0.5, 0.1], [True, True]))
    with pytest.raises(
            ValueError, match='positive and negative pairs, got '
            '2 and 0'):
        metric.evaluate(4)
    metric = SurvFaceVerificationMetric()
    samples[1]['issame'] = False
    metric.process({}, samples)
    with pytest.raises(ValueError, match='pair 0 disagree on issame'):
        metric.evaluate(4)
    with pytest.raises(KeyError, match=r"\['issame'\]"):
        SurvFaceVerificationMetric().process(
            {}, [dict(pair_index=0, pair_pos=0, pred_feat=torch.zeros(2))])
    with pytest.raises(ValueError, match=r'far_targets must be rates'):
        SurvFaceVerificationMetric(far_targets=(0.1, 1.0))


def probe(s1, s2):
    """A unit 4-d feature scoring ``s1`` against the template of identity 7
    and ``s2`` against that of identity 3 in the hand-worked case."""
    return [s1 / np.sqrt(2), s1 / np.sqrt(2), s2, np.sqrt(1 - s1**2 - s2**2)]


def ident_sample(feat, role, subject=-1):
    sample = DataSample(metainfo=dict(role=role, subject=subject))
    sample.set_field(torch.tensor(feat, dtype=torch.float32), 'pred_feat')
    return sample.to_dict()


HAND_GALLERY = [
    # identity 7: mean of (1, 0, 0, 0) and (0, 1, 0, 0) once normalised,
    # template (1, 1, 0, 0) / sqrt(2) (the raw mean would point elsewhere)
    ident_sample([2, 0, 0, 0], 'gallery', 7),
    ident_sample([0, 1, 0, 0], 'gallery', 7),
    # identity 3: template (0, 0, 1, 0)
    ident_sample([0, 0, 3, 0], 'gallery', 3),
]
HAND_MATED = [
    ident_sample(probe(0.8, 0.1), 'mated_probe', 7),  # top-1 own, 0.8
    ident_sample(probe(0.3, 0.5), 'mated_probe', 3),  # top-1 own, 0.5
    ident_sample(probe(0.5, 0.6), 'mated_probe', 7),  # own 0.5 at rank 2
]
HAND_UNMATED = [  # best scores 0.7, 0.45, 0.3, 0.1
    ident_sample(probe(0.7, 0.1), 'unmated_probe'),
    ident_sample(probe(0.1, 0.45), 'unmated_probe'),
    ident_sample(probe(0.3, 0.2), 'unmated_probe', 7),  # subject ignored
    ident_sample(probe(0.05, 0.1), 'unmated_probe'),
]


def test_identification_metric_hand_worked():
    """2 gallery identities, 3 mated and 4 unmated probes (see above).

    Unmated best scores, descending: 0.7, 0.45, 0.3, 0.1.

    - FPIR 0.3: floor(0.3 * 4) = 1 may pass, threshold 0.45 (only 0.7
      above: FPIR 1/4). Rank 1: probes 1 (0.8) and 2 (0.5) are above it,
      probe 3's top-1 is identity 3: TPIR 2/3. Rank 2: probe 3's own score
      0.5 is above 0.45 too: 3/3.
    - FPIR 0.2 and 0.1: floor(r * 4) = 0, threshold 0.7: only probe 1,
      TPIR 1/3 at rank 1 and 2.
    """
    metric = SurvFaceIdentificationMetric(batch_size=2)
    metric.process({}, HAND_MATED + HAND_UNMATED[::-1] + HAND_GALLERY)
    out = metric.evaluate(10)
    assert out == pytest.approx({
        'survface/TPIR1@FPIR=0.3': 200 / 3,
        'survface/TPIR1@FPIR=0.2': 100 / 3,
        'survface/TPIR1@FPIR=0.1': 100 / 3
    })
    metric = SurvFaceIdentificationMetric(rank=2)
    metric.process({}, HAND_GALLERY + HAND_MATED + HAND_UNMATED)
    out = metric.evaluate(10)
    assert out['survface/TPIR2@FPIR=0.3'] == pytest.approx(100.)
    assert out['survface/TPIR2@FPIR=0.2'] == pytest.approx(100 / 3)


def test_identification_metric_threshold_ties():
    """An unmated probe identical to mated probe 2 makes the FPIR-0.3
    threshold 0.5, its own score: ties are rejected, so only probe 1
    (0.8) passes, TPIR 1/3."""
    unmated = [HAND_UNMATED[0], dict(HAND_MATED[1], role='unmated_probe')]
    unmated += HAND_UNMATED[2:]
    metric = SurvFaceIdentificationMetric(fpir_targets=(0.3, ))
    metric.process({}, HAND_GALLERY + HAND_MATED + unmated)
    out = metric.evaluate(10)
    assert out == {'survface/TPIR1@FPIR=0.3': pytest.approx(100 / 3)}


def test_identification_metric_errors():
    metric = SurvFaceIdentificationMetric()
    metric.process({}, HAND_GALLERY + HAND_MATED)
    with pytest.raises(ValueError, match='got 3, 3 and 0'):
        metric.evaluate(6)
    metric = SurvFaceIdentificationMetric()
    metric.process({}, HAND_GALLERY + HAND_UNMATED +
                   [ident_sample(probe(0.1, 0.1), 'mated_probe', 4)])
    with pytest.raises(ValueError, match=r'identities \[4\] have no gallery'):
        metric.evaluate(8)
    with pytest.raises(ValueError, match="role 'probe', not one of"):
        SurvFaceIdentificationMetric().process(
            {}, [ident_sample([1, 0], 'probe', 1)])
    with pytest.raises(KeyError, match=r"\['subject'\]"):
        SurvFaceIdentificationMetric().process(
            {}, [dict(pred_feat=torch.zeros(2), role='gallery')])


def run_pipeline(dataset, feats, metrics):
    """Feed every sample of ``dataset``, with the feature of its image
    name, to the metrics; return the packed samples."""
    packed = []
    for i in range(len(dataset)):
        sample = dataset[i]['data_samples']
        sample.set_field(
            torch.tensor(feats[osp.basename(sample.img_path)]), 'pred_feat')
        packed.append(sample.to_dict())
    for metric in metrics:
        metric.process({}, packed)
    return packed


def test_end_to_end_with_load_and_pack(tmp_path):
    """Dataset + LoadImageFromFile + PackInputs + the metrics.

    Verification: positive pairs (1_a, 1_b) 0.8 and (2_a, 2_b) 0.6,
    negative (1_a, 3_a) 0.0 and (2_b, 3_a) 0.7 (cosines of the features
    below). FAR 0.3: floor(0.3 * 2) = 0 negatives may pass, threshold 0.7,
    TAR 1/2. AUC: 3 of the 4 (positive, negative) couples are ordered, 75%.

    FaceVerificationMetric with 2 folds reads the same samples: pairs are
    (pos 0.8, neg 0.0), (pos 0.6, neg 0.7), squared distances 2 - 2 cos
    = (0.4, 2.0) and (0.8, 0.6). Testing fold 1, the training fold cannot
    be separated (best accuracy 1/2 at threshold 0): 0.4 is rejected, 1/2.
    Testing fold 2, the threshold 0.41 (or 0.40) rejects both, 1/2.
    """
    root = str(tmp_path)
    write_verification(root, POSITIVE, NEGATIVE[:2])
    feats = {
        '1_a.jpg': [1., 0., 0.],
        '1_b.jpg': [0.8, 0., 0.6],
        '2_a.jpg': [0.8, 0.6, 0.],
        '2_b.jpg': [0., 1., 0.],
        '3_a.jpg': [0., 0.7, np.sqrt(0.51)],
    }
    pack = dict(
        type='PackInputs',
        meta_keys=('sample_idx', 'img_path', 'set_name', 'pair_index',
                   'pair_pos', 'issame'))
    dataset = SurvFaceVerificationDataset(
        data_root=root, pipeline=[dict(type='LoadImageFromFile'), pack])
    assert dataset[0]['inputs'].shape == (3, 6, 5)
    survface = SurvFaceVerificationMetric(far_targets=(0.3, ))
    lfw_style = FaceVerificationMetric(num_folds=2)
    run_pipeline(dataset, feats, [survface, lfw_style])
    out = survface.evaluate(len(dataset))
    assert out == pytest.approx({
        'survface/TAR@FAR=0.3': 50.,
        'survface/AUC': 75.
    })
    out = lfw_style.evaluate(len(dataset))
    assert out['verification/survface/accuracy'] == pytest.approx(50.)

    write_identification(root, GALLERY, MATED, ['u1.jpg', 'u2.jpg'])
    dataset = SurvFaceIdentificationDataset(
        data_root=root,
        pipeline=[
            dict(type='LoadImageFromFile'),
            dict(type='PackInputs', meta_keys=('img_path', 'role', 'subject'))
        ])
    # templates: identity 7 (1, 0), identity 3 (0, 1)
    feats = {
        'g1_a.jpg': [1., 0.],
        'g1_b.jpg': [2., 0.],
        'g2_a.jpg': [0., 1.],
        'm1.jpg': [0.9, np.sqrt(0.19)],  # identity 7: own 0.9, top-1
        'm2.jpg': [0.8, 0.6],  # identity 3: own 0.6, but 7 scores 0.8
        'u1.jpg': [0.6, -0.8],  # best 0.6
        'u2.jpg': [-1., 0.],  # best 0.0
    }
    metric = SurvFaceIdentificationMetric(fpir_targets=(0.3, ))
    packed = run_pipeline(dataset, feats, [metric])
    assert [(s['role'], s['subject'])
            for s in packed][-3:] == [('mated_probe', 3),
                                      ('unmated_probe', -1),
                                      ('unmated_probe', -1)]
    # floor(0.3 * 2) = 0 may pass: threshold 0.6; m1 passes, m2 is not
    # identified at rank 1: TPIR 1/2
    assert metric.evaluate(len(dataset)) == {
        'survface/TPIR1@FPIR=0.3': pytest.approx(50.)
    }
