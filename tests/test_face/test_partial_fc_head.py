"""PartialFCHead on one process, its checkpoints and the shard converter."""
import importlib.util
import math
import os.path as osp

import pytest
import torch
import torch.nn.functional as F

from mmext.face.models import (CurricularFaceHead, PartialFCHead,
                               shard_range)
from mmpretrain.structures import DataSample
from tests.tool_runner import ROOT, run_tool


def samples(labels):
    return [DataSample().set_gt_label(int(i)) for i in labels]


def load_converter():
    path = osp.join(ROOT, 'tools', 'model_converters', 'partial_fc_shards.py')
    spec = importlib.util.spec_from_file_location('partial_fc_shards', path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_shard_range_covers_every_class_once():
    for num_classes, world in ((7, 2), (10, 3), (5, 5), (2059906, 8)):
        ranges = [shard_range(num_classes, world, r) for r in range(world)]
        assert ranges[0][0] == 0 and ranges[-1][1] == num_classes
        assert all(a[1] == b[0] for a, b in zip(ranges, ranges[1:]))
        sizes = [end - start for start, end in ranges]
        assert max(sizes) - min(sizes) <= 1
    with pytest.raises(ValueError, match='rank 2 not in'):
        shard_range(7, 2, 2)


def test_world_one_full_rate_equals_curricularface_head():
    torch.manual_seed(0)
    num_classes, dim = 11, 6
    ours = PartialFCHead(
        num_classes, dim, scale=16.,
        margin=dict(type='CurricularFaceMargin', margin=0.5, momentum=0.9))
    reference = CurricularFaceHead(
        num_classes, dim, scale=16., margins=0.5, momentum=0.9)
    reference.norm_product.weight.data.copy_(ours.weight.data)
    for step in range(3):  # t moves: the curriculum state is followed
        feats = torch.randn(5, dim)
        labels = torch.randint(num_classes, (5, ))
        grads = []
        losses = []
        for head, weight in ((ours, ours.weight),
                             (reference, reference.norm_product.weight)):
            x = feats.clone().requires_grad_(True)
            weight.grad = None
            loss = head.loss((x, ), samples(labels))['loss']
            loss.backward()
            losses.append(loss)
            grads.append((x.grad, weight.grad.clone()))
        torch.testing.assert_close(losses[0], losses[1])
        torch.testing.assert_close(grads[0][0], grads[1][0])
        torch.testing.assert_close(grads[0][1], grads[1][1])
        torch.testing.assert_close(ours.margin.t, reference.t)
    assert ours.margin.t.item() != 0


def test_sampling_keeps_positives_and_computes_ce_on_the_sample():
    torch.manual_seed(1)
    num_classes, dim, rate = 20, 4, 0.25
    head = PartialFCHead(num_classes, dim, scale=8., sample_rate=rate,
                         margin=dict(type='CosFaceMargin', margin=0.3))
    feats = torch.randn(3, dim, requires_grad=True)
    labels = torch.tensor([2, 17, 2])
    loss = head.loss((feats, ), samples(labels))['loss']
    index = head.last_sampled
    assert len(index) == math.ceil(rate * num_classes)
    assert {2, 17} <= set(index.tolist())
    # by hand: CosFace logits over the sampled centres only
    cos = F.normalize(feats) @ F.normalize(head.weight[index]).T
    target = torch.searchsorted(index, labels)
    logits = 8. * (cos - 0.3 * F.one_hot(target, len(index)))
    torch.testing.assert_close(loss, F.cross_entropy(logits, target))
    loss.backward()
    unsampled = torch.ones(num_classes, dtype=torch.bool)
    unsampled[index] = False
    assert torch.all(head.weight.grad[unsampled] == 0)
    assert torch.all(head.weight.grad[index].abs().sum(1) > 0)

    # more positives than the rate allows: all positives are kept
    labels = torch.arange(0, 20, 2)  # 10 positives > ceil(0.25 * 20)
    head.loss((torch.randn(10, dim), ), samples(labels))
    assert set(labels.tolist()) <= set(head.last_sampled.tolist())
    assert len(head.last_sampled) == 10


def test_fp32_logits_under_half_inputs():
    head = PartialFCHead(9, 4)
    logits = head((torch.randn(2, 4).half(), ), torch.tensor([1, 3]))
    assert logits.dtype == torch.float32


def test_state_dict_round_trip_and_layout_check():
    head = PartialFCHead(
        9, 4, margin=dict(type='CurricularFaceMargin'))
    head.margin.t.fill_(0.25)
    state = head.state_dict()
    assert state['_extra_state'] == dict(num_classes=9, world_size=1, rank=0)
    other = PartialFCHead(9, 4, margin=dict(type='CurricularFaceMargin'))
    other.load_state_dict(state)
    torch.testing.assert_close(other.weight, head.weight)
    assert other.margin.t.item() == 0.25
    sharded = PartialFCHead(9, 4, rank=1, world_size=2,
                            margin=dict(type='CurricularFaceMargin'))
    with pytest.raises(RuntimeError, match='shard layout'):
        sharded.load_state_dict(
            dict(state, weight=state['weight'][4:]))
    before = sharded.weight.detach().clone()
    # mmengine's non-strict loading (load_from, tools/test.py) warns only
    from mmengine.runner.checkpoint import load_state_dict
    load_state_dict(sharded, state, strict=False)
    assert torch.equal(sharded.weight, before)
    with pytest.raises(ValueError, match='sample_rate'):
        PartialFCHead(9, 4, sample_rate=0.)


def test_converter_split_then_merge_is_exact(tmp_path):
    converter = load_converter()
    full = CurricularFaceHead(10, 4)
    full.t.fill_(0.5)
    state = {f'head.{k}': v for k, v in full.state_dict().items()}
    state['backbone.conv.weight'] = torch.randn(3, 3)
    shards = converter.split_state_dict(state, world_size=3)
    assert [s['head.weight'].shape[0] for s in shards] == [3, 3, 4]
    # a shard loads into the head of its rank
    for rank, shard in enumerate(shards):
        head = PartialFCHead(10, 4, rank=rank, world_size=3,
                             margin=dict(type='CurricularFaceMargin'))
        head.load_state_dict({
            k[len('head.'):]: v
            for k, v in shard.items() if k.startswith('head.')
        })
        start, end = shard_range(10, 3, rank)
        torch.testing.assert_close(head.weight.data,
                                   full.norm_product.weight.data[start:end])
    merged = converter.merge_state_dicts(list(reversed(shards)))
    assert set(merged) == set(state)
    for key in state:
        assert torch.equal(merged[key], state[key]), key
    with pytest.raises(ValueError, match='need the shards of all 3'):
        converter.merge_state_dicts(shards[:2])

    # the command line
    torch.save(dict(meta={}, state_dict=state), tmp_path / 'full.pth')
    run_tool('tools/model_converters/partial_fc_shards.py', 'split',
             str(tmp_path / 'full.pth'), str(tmp_path / 'shards'),
             '--world-size', '2')
    run_tool('tools/model_converters/partial_fc_shards.py', 'merge',
             str(tmp_path / 'merged.pth'), str(tmp_path / 'shards/rank1.pth'),
             str(tmp_path / 'shards/rank0.pth'))
    merged = torch.load(tmp_path / 'merged.pth', weights_only=False)
    for key in state:
        assert torch.equal(merged['state_dict'][key], state[key]), key


@pytest.mark.parametrize('name', [
    'curricularface-pfc_ir18_2xb32_quickstart-data.py',
    'curricularface-pfc0.2_ir100_8xb128_webface42m.py',
    'ddl-pfc_ir18_2xb16_quickstart-data.py'
])
def test_configs(name):
    from mmengine.config import Config
    from mmengine.registry import init_default_scope
    from mmpretrain.registry import MODELS
    cfg = Config.fromfile(osp.join(ROOT, 'configs', 'partial_fc', name))
    assert cfg.model_wrapper_cfg == dict(type='PartialFCDataParallel')
    assert dict(type='PartialFCCheckpointHook') in cfg.custom_hooks
    assert cfg.model.head.margin.type == 'CurricularFaceMargin'
    if 'webface42m' in name:
        assert cfg.model.head.num_classes == 2059906
        assert cfg.model.head.sample_rate == 0.2
        assert cfg.train_dataloader.batch_size == 128
        assert cfg.optim_wrapper.type == 'AmpOptimWrapper'
        cfg.model.head.num_classes = 1000  # building 2M x 512 is slow
    else:
        base = ('ddl', 'ddl_ir18_quickstart.py') if name.startswith('ddl') \
            else ('curricularface', 'curricularface_ir18_quickstart.py')
        quickstart = Config.fromfile(osp.join(ROOT, 'configs', *base))
        assert cfg.model.backbone == quickstart.model.backbone
        assert cfg.train_dataloader.batch_size * 2 == \
            quickstart.train_dataloader.batch_size
        for key in ('optim_wrapper', 'param_scheduler', 'train_cfg',
                    'test_dataloader'):
            assert cfg[key] == quickstart[key]
    init_default_scope('mmpretrain')
    model = MODELS.build(cfg.model)
    assert type(model.head).__name__ == 'PartialFCHead'
