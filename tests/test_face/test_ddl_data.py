"""DDLBranchDataset (split files, errors) and DDLBatchSampler (ID balance,
seeding, 2 gloo ranks)."""
import os
import os.path as osp
from types import SimpleNamespace

import numpy as np
import pytest
import torch.distributed as dist
import torch.multiprocessing as mp

from mmext.face.datasets import (DDLBatchSampler, DDLBranchDataset,
                                 FaceRecordIODataset, write_face_recordio)
from tests.test_face.utils import encode_image

NUM_IDS, PER_ID = 12, 3


def write_data(root):
    """12 identities x 3 images; record keys 1..36, identity = (key-1)//3."""
    os.makedirs(root, exist_ok=True)
    labels = np.repeat(np.arange(NUM_IDS), PER_ID)
    write_face_recordio(
        osp.join(root, 'train.rec'),
        labels, (encode_image(i, 16) for i in range(len(labels))),
        osp.join(root, 'train.idx'))
    keys = np.arange(1, len(labels) + 1)
    lines = dict(
        easy=[str(k) for k in keys],
        hard=[str(k) for k in keys if k % 3 != 0],  # 2 per identity
        pairs_easy=[f'{3 * i + 1} {3 * i + 2}' for i in range(NUM_IDS)],
        pairs_hard=[f'{3 * i + 1} {3 * i + 3}' for i in range(NUM_IDS)])
    for name, rows in lines.items():
        with open(osp.join(root, f'{name}.txt'), 'w') as f:
            f.write('# comment line\n' + '\n'.join(rows) + '\n')
    return root


EASY = [dict(type='DecodeImageFromBytes'), dict(type='PackInputs')]
HARD = [
    dict(type='DecodeImageFromBytes'),
    dict(type='RandomLowResolution', side_range=(4, 4)),
    dict(type='PackInputs')
]


def build(root, **kwargs):
    cfg = dict(
        dataset=dict(type='FaceRecordIODataset', data_root=root),
        data_root=root,
        easy_file='easy.txt',
        hard_file='hard.txt',
        pairs_easy_file='pairs_easy.txt',
        pairs_hard_file='pairs_hard.txt',
        pipeline=EASY,
        hard_pipeline=HARD)
    cfg.update(kwargs)
    return DDLBranchDataset(**cfg)


def label(dataset, idx):
    return int(dataset[idx]['data_samples'].gt_label)


def test_branches_and_pipelines(tmp_path):
    root = write_data(str(tmp_path))
    dataset = build(root)
    assert len(dataset.singles['easy']) == 36
    assert len(dataset.singles['hard']) == 24
    assert dataset.pairs['pair_easy'].shape == (12, 2)
    assert len(dataset) == 36 + 24 + 2 * 12 + 2 * 12
    plain = FaceRecordIODataset(data_root=root, pipeline=EASY)

    def same(a, b):
        return bool((a['inputs'] == b['inputs']).all())

    easy = dataset[int(dataset.encode('easy', 4))]
    assert easy['data_samples'].ddl_branch == 'easy'
    assert same(easy, plain[4])
    hard = dataset[int(dataset.encode('hard', 2))]  # key 4: third sample
    assert hard['data_samples'].ddl_branch == 'hard'
    assert not same(hard, plain[3])  # degraded
    first = dataset[int(dataset.encode('pair_hard', 5, 0))]
    second = dataset[int(dataset.encode('pair_hard', 5, 1))]
    assert first['data_samples'].ddl_branch == 'pair_hard_0'
    assert second['data_samples'].ddl_branch == 'pair_hard_1'
    assert same(first, plain[15]) and not same(second, plain[17])
    assert int(first['data_samples'].gt_label) == int(
        second['data_samples'].gt_label) == 5
    both = build(root, hard_pair='both')
    assert not same(both[int(both.encode('pair_hard', 5, 0))], plain[15])
    # no hard files: the hard branches are the easy lists
    default = build(root, hard_file=None, pairs_hard_file=None)
    assert len(default.singles['hard']) == 36
    np.testing.assert_array_equal(default.pairs['pair_hard'],
                                  default.pairs['pair_easy'])


def write_file(root, name, text):
    with open(osp.join(root, name), 'w') as f:
        f.write(text)


def test_split_errors_name_file_and_line(tmp_path):
    root = write_data(str(tmp_path))
    write_file(root, 'bad_easy.txt', '1\n999\n')
    with pytest.raises(ValueError, match=r'bad_easy.txt line 2: .999. is not '
                       r'a sample of train.rec \(36 samples\)'):
        build(root, easy_file='bad_easy.txt')
    write_file(root, 'bad_pairs.txt', '1 2\n# ok\n1 4\n')
    with pytest.raises(ValueError, match=r'bad_pairs.txt line 3: .1. '
                       r'\(identity 0\) and .4. \(identity 1\) are not a '
                       'positive pair'):
        build(root, pairs_easy_file='bad_pairs.txt')
    write_file(root, 'bad_pairs.txt', '1 2\n1 2 3\n')
    with pytest.raises(ValueError, match='bad_pairs.txt line 2: expected two'
                       ' keys'):
        build(root, pairs_hard_file='bad_pairs.txt')
    write_file(root, 'bad_easy.txt', '1 2\n')
    with pytest.raises(ValueError, match='bad_easy.txt line 1: expected one'):
        build(root, easy_file='bad_easy.txt')
    with pytest.raises(FileNotFoundError, match='missing.txt'):
        build(root, hard_file='missing.txt')
    with pytest.raises(ValueError, match='hard_pair'):
        build(root, hard_pair='hard')


def make_sampler(dataset, batch_size, seed=0, epoch=0):
    stub = SimpleNamespace(dataset=dataset, seed=seed, epoch=epoch)
    return DDLBatchSampler(stub, batch_size)


def batch_labels(dataset, sampler):
    """Per step: {branch name: labels}, from the sampled indices."""
    steps = []
    for batch in sampler:
        assert len(batch) == 6 * sampler.batch_size
        step = {}
        for idx in batch:
            name, inner, _ = dataset.decode(idx)
            step.setdefault(name, []).append(int(dataset.labels[inner]))
        steps.append(step)
    return steps


def test_sampler_one_rank(tmp_path):
    root = write_data(str(tmp_path))
    dataset = build(root)
    sampler = make_sampler(dataset, 4)
    assert len(sampler) == 3  # 12 identities / 4
    steps = batch_labels(dataset, sampler)
    assert len(steps) == 3
    for step in steps:
        assert list(step) == [
            'easy', 'hard', 'pair_easy_0', 'pair_easy_1', 'pair_hard_0',
            'pair_hard_1'
        ]  # the order of the batch
        for name in ('easy', 'hard'):
            assert len(set(step[name])) == 4  # one image per identity
        assert step['pair_easy_0'] == step['pair_easy_1']
        assert step['pair_hard_0'] == step['pair_hard_1']
    # every identity once per epoch in an ID-balanced branch
    assert sorted(sum((s['easy'] for s in steps), [])) == list(range(12))
    assert list(make_sampler(dataset, 4)) == list(sampler)
    assert list(make_sampler(dataset, 4, epoch=1)) != list(sampler)
    assert list(make_sampler(dataset, 4, seed=1)) != list(sampler)
    # images of an identity vary across epochs
    images = {
        tuple(b[:4]) for e in range(6) for b in make_sampler(
            dataset, 12, epoch=e)
    }
    assert len(images) > 1
    with pytest.raises(ValueError, match='larger than a branch'):
        make_sampler(dataset, 13)
    with pytest.raises(TypeError, match='DDLBranchDataset'):
        DDLBatchSampler(SimpleNamespace(dataset=[1, 2]), 4)


def sampler_worker(rank, root, init_file, out_dir):
    dist.init_process_group(
        'gloo', init_method=f'file://{init_file}', rank=rank, world_size=2)
    dataset = build(root)
    sampler = make_sampler(dataset, 3, seed=5, epoch=2)
    np.save(osp.join(out_dir, f'{rank}.npy'), np.asarray(list(sampler)))
    dist.destroy_process_group()


@pytest.mark.dist
def test_sampler_two_gloo_ranks(tmp_path):
    root = write_data(str(tmp_path / 'data'))
    out = str(tmp_path)
    mp.spawn(
        sampler_worker, args=(root, str(tmp_path / 'init'), out), nprocs=2)
    ranks = [np.load(osp.join(out, f'{r}.npy')) for r in range(2)]
    assert ranks[0].shape == ranks[1].shape == (2, 18)  # 12 // (3 x 2) steps
    dataset = build(root)
    for step in range(2):
        gathered = {}
        for rank in range(2):
            for idx in ranks[rank][step]:
                name, inner, _ = dataset.decode(int(idx))
                gathered.setdefault(name, []).append(
                    int(dataset.labels[inner]))
        # one image per identity in the gathered (global) batch
        for name in ('easy', 'hard'):
            assert len(gathered[name]) == 6
            assert len(set(gathered[name])) == 6
    # identities of the two ranks together cover the epoch once
    easy = [
        int(dataset.labels[dataset.decode(int(i))[1]])
        for r in ranks for i in r[:, :3].ravel()
    ]
    assert sorted(easy) == list(range(12))
    assert not os.path.exists(osp.join(out, 'error'))
