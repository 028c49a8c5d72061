"""DDLRecognizer: branches, ddl_start_iter, errors, and the gradient scale
of the all-gather on 2 gloo ranks against 1 process."""
import os.path as osp

import pytest
import torch
import torch.distributed as dist
import torch.multiprocessing as mp
from mmengine.logging import MessageHub
from mmpretrain.structures import DataSample

BRANCHES = ('easy', 'hard', 'pair_easy_0', 'pair_easy_1', 'pair_hard_0',
            'pair_hard_1')
B = 4  # items per branch per rank
WORLD_SIZE = 2


def make_model(ddl=True, **kwargs):
    from mmext.face.models import DDLRecognizer
    torch.manual_seed(0)
    cfg = dict(
        backbone=dict(
            type='IResNet',
            depth=18,
            base_channels=2,
            embedding_size=8,
            input_size=(16, 16)),
        head=dict(
            type='CurricularFaceHead',
            num_classes=2 * B * WORLD_SIZE,
            in_channels=8,
            scale=16.,
            momentum=0.9),
        ddl_loss=dict(type='DDLLoss') if ddl else None,
        share_head=True)
    cfg.update(kwargs)
    return DDLRecognizer(**cfg).double()


def global_batch(n=B * WORLD_SIZE):
    """Per branch ``n`` images; single-image labels distinct, pairs share
    their label, the second image a perturbed copy of the first."""
    generator = torch.Generator().manual_seed(3)
    images, labels = {}, {}
    for k, name in enumerate(('easy', 'hard')):
        images[name] = torch.randn(n, 3, 16, 16, generator=generator,
                                   dtype=torch.float64)
        labels[name] = torch.randperm(2 * n, generator=generator)[:n]
    for name in ('pair_easy', 'pair_hard'):
        first = torch.randn(n, 3, 16, 16, generator=generator,
                            dtype=torch.float64)
        images[f'{name}_0'] = first
        images[f'{name}_1'] = first + 0.2 * torch.randn(
            first.shape, generator=generator, dtype=torch.float64)
        labels[f'{name}_0'] = labels[f'{name}_1'] = torch.arange(n)
    return images, labels


def batch_of(images, labels, part=slice(None)):
    inputs, samples = [], []
    for name in BRANCHES:
        inputs.append(images[name][part])
        for label in labels[name][part]:
            samples.append(DataSample(metainfo=dict(
                ddl_branch=name)).set_gt_label(int(label)))
    return torch.cat(inputs), samples


def grads(model, loss):
    model.zero_grad()
    loss.backward(retain_graph=True)
    return {
        n: p.grad.clone() if p.grad is not None else torch.zeros_like(p)
        for n, p in model.named_parameters()
    }


def split_losses(losses):
    ce = losses['loss_ce_easy'] + losses['loss_ce_hard']
    ddl = sum(v for k, v in losses.items() if k.startswith('loss_ddl'))
    return ce, ddl


def dist_worker(rank, init_file, out_dir):
    import mmext.face  # noqa: F401
    dist.init_process_group(
        'gloo',
        init_method=f'file://{init_file}',
        rank=rank,
        world_size=WORLD_SIZE)
    model = make_model()
    model.eval()  # BatchNorm on running statistics: no per-rank batch stats
    images, labels = global_batch()
    inputs, samples = batch_of(images, labels, slice(rank * B,
                                                     (rank + 1) * B))
    losses = model.loss(inputs, samples)
    ce, ddl = split_losses(losses)
    out = dict(losses={k: v.detach() for k, v in losses.items()})
    for name, loss in (('ce', ce), ('ddl', ddl)):
        g = grads(model, loss)
        for value in g.values():  # what DDP does: the mean over the ranks
            dist.all_reduce(value)
            value /= WORLD_SIZE
        out[name] = g
    torch.save(out, osp.join(out_dir, f'{rank}.pth'))
    dist.destroy_process_group()


@pytest.mark.dist
def test_two_ranks_equal_one_process_times_factor(tmp_path):
    mp.spawn(
        dist_worker,
        args=(str(tmp_path / 'init'), str(tmp_path)),
        nprocs=WORLD_SIZE,
        join=True)
    ranks = [torch.load(tmp_path / f'{r}.pth') for r in range(WORLD_SIZE)]

    model = make_model()
    model.eval()
    images, labels = global_batch()
    losses = model.loss(*batch_of(images, labels))
    ce, ddl = split_losses(losses)
    for key, value in losses.items():  # the same loss on every rank
        for r in ranks:
            assert r['losses'][key].item() == pytest.approx(
                value.item(), rel=1e-10), key
    ce_grads, ddl_grads = grads(model, ce), grads(model, ddl)
    for name in ce_grads:
        # CE: one process on the global batch (the gradients summed over
        # the ranks, then averaged by DDP)
        torch.testing.assert_close(
            ranks[0]['ce'][name], ce_grads[name], rtol=1e-8, atol=1e-12)
        # DDL: TFace's AllGather scale, world size x one process
        torch.testing.assert_close(
            ranks[0]['ddl'][name],
            WORLD_SIZE * ddl_grads[name],
            rtol=1e-8,
            atol=1e-12)
    assert any(g.abs().sum() > 0 for g in ddl_grads.values())


PFC_HEAD = dict(
    type='PartialFCHead',
    num_classes=2 * B * WORLD_SIZE,
    in_channels=8,
    scale=16.,
    sample_rate=1.,
    margin=dict(type='CurricularFaceMargin', margin=0.5, momentum=0.9))


def pfc_worker(rank, init_file, out_dir):
    import mmext.face  # noqa: F401
    dist.init_process_group(
        'gloo',
        init_method=f'file://{init_file}',
        rank=rank,
        world_size=WORLD_SIZE)
    full = make_model().head.norm_product.weight.detach()
    model = make_model(head=PFC_HEAD)
    model.head.weight.data.copy_(
        full[model.head.class_start:model.head.class_end])
    model.eval()
    seen, head_loss = [], model.head.loss

    def recording_loss(feats, samples, **kwargs):
        seen.append(feats[-1].shape[0])
        return head_loss(feats, samples, **kwargs)

    model.head.loss = recording_loss
    images, labels = global_batch()
    losses = model.loss(*batch_of(images, labels,
                                  slice(rank * B, (rank + 1) * B)))
    out = dict(losses={k: v.detach() for k, v in losses.items()}, seen=seen)
    g = grads(model, sum(losses.values()))
    for name, value in g.items():
        if name != 'head.weight':  # DDP averages all but the shard
            dist.all_reduce(value)
            value /= WORLD_SIZE
    out['grads'] = g
    out['range'] = (model.head.class_start, model.head.class_end)
    torch.save(out, osp.join(out_dir, f'{rank}.pth'))
    dist.destroy_process_group()


@pytest.mark.dist
def test_partial_fc_head_equals_replicated_head(tmp_path):
    """With the centres sharded (PartialFCHead, sample rate 1) the losses,
    the backbone gradients and each shard's gradient are those of the
    replicated CurricularFaceHead."""
    mp.spawn(
        pfc_worker,
        args=(str(tmp_path / 'init'), str(tmp_path)),
        nprocs=WORLD_SIZE,
        join=True)
    ranks = [torch.load(tmp_path / f'{r}.pth') for r in range(WORLD_SIZE)]

    model = make_model()
    model.eval()
    images, labels = global_batch()
    losses = model.loss(*batch_of(images, labels))
    # the DDL terms get the world-size factor on 2 ranks, CE does not
    total = losses['loss_ce_easy'] + losses['loss_ce_hard'] + WORLD_SIZE * sum(
        v for k, v in losses.items() if k.startswith('loss_ddl'))
    reference = grads(model, total)
    for r in ranks:
        for key, value in losses.items():
            assert r['losses'][key].item() == pytest.approx(
                value.item(), rel=1e-10), key
        start, end = r['range']
        torch.testing.assert_close(
            r['grads']['head.weight'],
            reference['head.norm_product.weight'][start:end],
            rtol=1e-8,
            atol=1e-12)
    for name, value in ranks[0]['grads'].items():
        if name.startswith('backbone.'):
            torch.testing.assert_close(
                value, reference[name], rtol=1e-8, atol=1e-12)
    assert ranks[0]['range'] == (0, B * WORLD_SIZE)
    # the sharded head gathers by itself: it gets each rank's own branch
    assert [r['seen'] for r in ranks] == [[B, B]] * WORLD_SIZE


def test_losses_and_ddl_start_iter():
    hub = MessageHub.get_current_instance()
    model = make_model(train_cfg=dict(ddl_start_iter=5))
    assert model.ddl_start_iter == 5
    images, labels = global_batch()
    inputs, samples = batch_of(images, labels)
    hub.update_info('iter', 4)
    losses = model.loss(inputs, samples)
    assert set(losses) == {'loss_ce_easy', 'loss_ce_hard'}
    hub.update_info('iter', 5)
    losses = model.loss(inputs, samples)
    assert set(losses) == {
        'loss_ce_easy', 'loss_ce_hard', 'loss_ddl_pos_kl', 'loss_ddl_neg_kl',
        'loss_ddl_order'
    }
    assert all(torch.isfinite(v) for v in losses.values())
    baseline = make_model(ddl=False)
    assert set(baseline.loss(inputs, samples)) == {
        'loss_ce_easy', 'loss_ce_hard'
    }


def test_separate_hard_head():
    model = make_model(share_head=False)
    assert model.hard_head is not model.head
    images, labels = global_batch()
    inputs, samples = batch_of(images, labels)
    MessageHub.get_current_instance().update_info('iter', 0)
    losses = model.loss(inputs, samples)
    ce_easy = grads(model, losses['loss_ce_easy'])
    assert ce_easy['hard_head.norm_product.weight'].abs().sum() == 0
    assert ce_easy['head.norm_product.weight'].abs().sum() > 0
    with pytest.raises(ValueError, match='share_head'):
        make_model(hard_head=dict(type='CurricularFaceHead', num_classes=3,
                                  in_channels=8))


def test_bad_batches():
    model = make_model()
    images, labels = global_batch()
    inputs, samples = batch_of(images, labels)
    with pytest.raises(ValueError, match=r"unequal branch counts in the "
                       r"batch \{'easy': 8, 'hard': 7"):
        keep = [i for i in range(len(samples)) if i != 8]
        model.loss(inputs[keep], [samples[i] for i in keep])
    with pytest.raises(KeyError, match='ddl_branch=None'):
        model.loss(inputs, [DataSample().set_gt_label(0)] + samples[1:])
    dup = dict(labels, easy=labels['easy'].clone())
    dup['easy'][3] = dup['easy'][0]
    with pytest.raises(ValueError, match=f"identity {int(dup['easy'][0])} "
                       r"appears 2 times in the gathered 'easy' batch"):
        model.loss(*batch_of(images, dup))


def test_predict_is_the_embedding():
    from mmext.face.models import FaceRecognizer
    model = make_model(test_cfg=dict(flip=True))
    model.eval()
    plain = FaceRecognizer(
        backbone=dict(
            type='IResNet',
            depth=18,
            base_channels=2,
            embedding_size=8,
            input_size=(16, 16)),
        test_cfg=dict(flip=True)).double()
    plain.backbone.load_state_dict(model.backbone.state_dict())
    plain.eval()
    x = torch.randn(3, 3, 16, 16, dtype=torch.float64)
    a = torch.stack([s.pred_feat for s in model.predict(x)])
    b = torch.stack([s.pred_feat for s in plain.predict(x)])
    torch.testing.assert_close(a, b)
