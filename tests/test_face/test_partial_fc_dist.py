"""PartialFCHead on 2 gloo ranks equals the unsharded heads."""
import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
import torch.nn.functional as F

WORLD_SIZE = 2
NUM_CLASSES = 7  # not divisible by 2: shards of 3 and 4 classes
DIM = 8
STEPS = 3
SCALE = 16.
MARGINS = {
    'ArcFaceMargin': dict(type='ArcFaceMargin', margin=0.5),
    'CosFaceMargin': dict(type='CosFaceMargin', margin=0.4),
    'CurricularFaceMargin': dict(
        type='CurricularFaceMargin', margin=0.5, momentum=0.9),
}


def full_weight():
    generator = torch.Generator().manual_seed(7)
    return torch.randn(NUM_CLASSES, DIM, generator=generator,
                       dtype=torch.float64)


def batches(rank, step):
    """Different data per rank, and different batch sizes (3 vs 5)."""
    generator = torch.Generator().manual_seed(100 * step + rank)
    size = 3 + 2 * rank
    feats = torch.randn(size, DIM, generator=generator, dtype=torch.float64)
    labels = torch.randint(0, NUM_CLASSES, (size, ), generator=generator)
    return feats, labels


def samples(labels):
    from mmpretrain.structures import DataSample
    return [DataSample().set_gt_label(int(i)) for i in labels]


def make_sharded(margin, sample_rate=1.):
    from mmext.face.models import PartialFCHead, shard_range
    head = PartialFCHead(
        NUM_CLASSES, DIM, margin=MARGINS[margin], scale=SCALE,
        sample_rate=sample_rate).double()
    start, end = shard_range(NUM_CLASSES, WORLD_SIZE, head.rank)
    head.weight.data.copy_(full_weight()[start:end])
    return head


def worker(rank, init_file, out_dir):
    import mmext  # noqa: F401
    dist.init_process_group(
        'gloo',
        init_method=f'file://{init_file}',
        rank=rank,
        world_size=WORLD_SIZE)
    torch.manual_seed(rank)
    results = {}
    for margin in MARGINS:
        head = make_sharded(margin)
        history = []
        for step in range(STEPS):
            feats, labels = batches(rank, step)
            feats.requires_grad_(True)
            head.weight.grad = None
            loss = head.loss((feats, ), samples(labels))['loss']
            loss.backward()
            t = head.margin.t.item() if hasattr(head.margin, 't') else 0.
            history.append(
                dict(
                    loss=loss.detach(),
                    feats_grad=feats.grad,
                    weight_grad=head.weight.grad.clone(),
                    t=t))
        results[margin] = history

    # Sampling: every positive of the gathered batch is kept, and a batch
    # whose labels all sit on rank 0's shard gives a finite loss.
    head = make_sharded('CurricularFaceMargin', sample_rate=0.3)
    head.weight.data = torch.randn_like(head.weight)  # unrelated centres
    checks = []
    for labels in (torch.tensor([0, 1, 2, 0, 1]), torch.tensor([3, 5, 6, 4])):
        feats = torch.randn(len(labels), DIM, dtype=torch.float64,
                            requires_grad=True)
        loss = head.loss((feats, ), samples(labels))['loss']
        loss.backward()
        gathered = [torch.zeros(5, dtype=torch.long) for _ in range(2)]
        padded = torch.full((5, ), -1)
        padded[:len(labels)] = labels
        dist.all_gather(gathered, padded)
        everything = torch.cat(gathered)
        mine = everything[(everything >= head.class_start)
                          & (everything < head.class_end)]
        kept = set((head.last_sampled + head.class_start).tolist())
        checks.append(
            dict(
                loss=loss.item(),
                finite_grad=bool(torch.isfinite(feats.grad).all()),
                positives_kept=set(mine.tolist()) <= kept,
                num_sampled=len(kept)))
    results['sampling'] = checks
    torch.save(results, os.path.join(out_dir, f'{rank}.pth'))
    dist.destroy_process_group()


def unsharded(margin):
    from mmext.face.models import CurricularFaceHead
    from mmpretrain.models import ArcFaceClsHead
    if margin == 'CosFaceMargin':
        return None
    if margin == 'ArcFaceMargin':
        head = ArcFaceClsHead(
            num_classes=NUM_CLASSES, in_channels=DIM, scale=SCALE,
            margins=0.5)
    else:
        head = CurricularFaceHead(
            num_classes=NUM_CLASSES, in_channels=DIM, scale=SCALE,
            margins=0.5, momentum=0.9)
    head = head.double()
    head.norm_product.weight.data.copy_(full_weight())
    return head


def reference_step(head, feats, labels):
    """Loss and gradients of the unsharded head on the whole batch."""
    feats = feats.clone().requires_grad_(True)
    weight = full_weight().requires_grad_(True)
    if head is None:  # CosFace: s * (cos - m * one_hot), softmax CE
        cos = F.normalize(feats) @ F.normalize(weight).T
        logits = SCALE * (cos - 0.4 * F.one_hot(labels, NUM_CLASSES))
        loss = F.cross_entropy(logits, labels)
    else:
        head.norm_product.weight = torch.nn.Parameter(weight)
        loss = head.loss((feats, ), samples(labels))['loss']
    loss.backward()
    grad = weight.grad if head is None else head.norm_product.weight.grad
    t = head.t.item() if hasattr(head, 't') else 0.
    return loss.detach(), feats.grad, grad, t


@pytest.mark.dist
def test_partial_fc_equals_unsharded_heads(tmp_path):
    from mmext.face.models import shard_range
    mp.spawn(
        worker,
        args=(str(tmp_path / 'init'), str(tmp_path)),
        nprocs=WORLD_SIZE,
        join=True)
    ranks = [torch.load(tmp_path / f'{r}.pth') for r in range(WORLD_SIZE)]
    sizes = [3 + 2 * r for r in range(WORLD_SIZE)]
    for margin in MARGINS:
        head = unsharded(margin)
        for step in range(STEPS):
            parts = [batches(r, step) for r in range(WORLD_SIZE)]
            feats = torch.cat([p[0] for p in parts])
            labels = torch.cat([p[1] for p in parts])
            loss, feats_grad, weight_grad, t = reference_step(
                head, feats, labels)
            offset = 0
            for rank, result in enumerate(ranks):
                got = result[margin][step]
                torch.testing.assert_close(
                    got['loss'], loss, atol=1e-5, rtol=0)
                # the embedding gradient is world_size x that of the global
                # mean loss: DDP averages it over the ranks
                torch.testing.assert_close(
                    got['feats_grad'] / WORLD_SIZE,
                    feats_grad[offset:offset + sizes[rank]],
                    atol=1e-5,
                    rtol=0)
                start, end = shard_range(NUM_CLASSES, WORLD_SIZE, rank)
                torch.testing.assert_close(
                    got['weight_grad'], weight_grad[start:end], atol=1e-5,
                    rtol=0)
                assert got['t'] == pytest.approx(t, abs=1e-10)
                offset += sizes[rank]
        if margin == 'CurricularFaceMargin':
            assert t != 0.

    for case in range(2):
        checks = [result['sampling'][case] for result in ranks]
        assert checks[0]['loss'] == checks[1]['loss']
        for check in checks:
            assert torch.isfinite(torch.tensor(check['loss']))
            assert check['finite_grad'] and check['positives_kept']
    # shard of 3 (rank 0) and of 4 classes; ceil(0.3 * 3) = 1 < positives
    assert ranks[0]['sampling'][0]['num_sampled'] == 3
    assert ranks[1]['sampling'][0]['num_sampled'] == 2
