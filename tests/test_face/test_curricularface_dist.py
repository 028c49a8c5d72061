"""``t`` of CurricularFaceHead stays identical across 2 gloo ranks."""
import os

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp

WORLD_SIZE = 2
STEPS = 3


def batches(rank, step):
    """Different data per rank, and different batch sizes (3 vs 5)."""
    generator = torch.Generator().manual_seed(100 * step + rank)
    size = 3 + 2 * rank
    feats = torch.randn(size, 8, generator=generator, dtype=torch.float64)
    labels = torch.randint(0, 5, (size, ), generator=generator)
    return feats, labels


def make_head():
    from mmext.face.models import CurricularFaceHead
    torch.manual_seed(0)
    return CurricularFaceHead(
        num_classes=5, in_channels=8, momentum=0.9).double()


def worker(rank, init_file, out_dir):
    import mmext  # noqa: F401
    dist.init_process_group(
        'gloo',
        init_method=f'file://{init_file}',
        rank=rank,
        world_size=WORLD_SIZE)
    head = make_head()
    history = []
    for step in range(STEPS):
        feats, labels = batches(rank, step)
        head((feats, ), labels).sum().backward()
        history.append(head.t.item())
    torch.save(
        torch.tensor(history, dtype=torch.float64),
        os.path.join(out_dir, f'{rank}.pth'))
    dist.destroy_process_group()


@pytest.mark.dist
def test_t_identical_on_every_rank(tmp_path):
    mp.spawn(
        worker,
        args=(str(tmp_path / 'init'), str(tmp_path)),
        nprocs=WORLD_SIZE,
        join=True)
    t_ranks = [torch.load(tmp_path / f'{r}.pth') for r in range(WORLD_SIZE)]
    assert torch.equal(t_ranks[0], t_ranks[1])

    # The reference: one process on the union of the ranks' batches, i.e.
    # the EMA of the global batch mean (weighted by the batch sizes).
    head = make_head()
    for step in range(STEPS):
        parts = [batches(rank, step) for rank in range(WORLD_SIZE)]
        feats = torch.cat([p[0] for p in parts])
        labels = torch.cat([p[1] for p in parts])
        head((feats, ), labels)
        assert t_ranks[0][step].item() == pytest.approx(
            head.t.item(), abs=1e-12)
    assert head.t.item() != 0
