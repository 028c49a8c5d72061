"""The DBG localizer: labels, forward, loss, predict, configs."""
import os.path as osp

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS
from mmaction.structures import ActionDataSample
from mmengine.config import Config
from mmengine.optim import build_optim_wrapper
from mmengine.registry import init_default_scope
from mmengine.structures import InstanceData

# isort: off
import mmext.action  # noqa: F401  compat shims before mmaction.models
from mmaction.models.localizers.utils import temporal_iop, temporal_iou
# isort: on
from mmext.action.models.localizers import DBG

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))
CONFIGS = osp.join(ROOT, 'configs', 'dbg')
TINY = dict(
    type='DBG',
    temporal_dim=10,
    feat_dim=6,
    dsb_hidden_dims=(8, 4),
    acr_hidden_dim=4,
    tbc_hidden_dim_3d=4,
    tbc_hidden_dim_2d=4)


def samples(boxes, **meta):
    out = []
    for i, box in enumerate(boxes):
        sample = ActionDataSample()
        sample.gt_instances = InstanceData(gt_bbox=torch.tensor(box))
        sample.set_metainfo(
            dict(
                video_name=f'v_{i}',
                duration_frame=1600,
                duration_second=64.,
                **meta))
        out.append(sample)
    return out


def reference_labels(boxes, tscale, width):
    """DBG's labels written out with loops and mmaction2's IoU helpers."""
    boxes = np.array(boxes, dtype=np.float64).reshape(-1, 2)
    half = width / tscale / 2
    action, start, end = [], [], []
    for t in range(tscale):
        lo, hi = t / tscale, (t + 1) / tscale
        action.append(max(temporal_iop(lo, hi, boxes[:, 0], boxes[:, 1])))
        start.append(
            max(temporal_iop(lo, hi, boxes[:, 0] - half, boxes[:, 0] + half)))
        end.append(
            max(temporal_iop(lo, hi, boxes[:, 1] - half, boxes[:, 1] + half)))
    iou = np.zeros((tscale, tscale))
    for i in range(tscale):
        for j in range(i, tscale):
            iou[i, j] = max(
                temporal_iou(i / tscale, (j + 1) / tscale, boxes[:, 0],
                             boxes[:, 1]))
    return action, start, end, iou


def test_labels_equal_reference_loops():
    model = MODELS.build(TINY)
    boxes = [[[0.05, 0.42], [0.6, 0.97]], [[0.0, 1.0]], [[0.33, 0.35]]]
    labels = model.generate_labels([torch.tensor(b) for b in boxes])
    for b, box in enumerate(boxes):
        expected = reference_labels(box, 10, 2)
        for got, ref in zip(labels, expected):
            assert np.allclose(got[b].numpy(), ref, atol=1e-6)
    # BMN's width of 3 snippets widens the boundary regions
    wide = MODELS.build(dict(TINY, boundary_label_width=3))
    start = wide.generate_labels([torch.tensor(boxes[0])])[1][0]
    assert np.allclose(start.numpy(), reference_labels(boxes[0], 10, 3)[1])


def official_iou_labels(boxes, tscale):
    """The IoU labels as the official ``getFullData`` computes them: numpy
    float64, anchors ``i * tgap`` and ``(j + 1) * tgap``, its operand order."""
    tgap = 1.0 / tscale
    xmin, xmax = boxes[:, 0], boxes[:, 1]
    iou = np.zeros([tscale, tscale])
    for i in range(tscale):
        for j in range(i, tscale):
            lo, hi = i * tgap, (j + 1) * tgap
            inter = np.maximum(np.minimum(hi, xmax) - np.maximum(lo, xmin), 0.)
            iou[i, j] = np.max(inter / (hi - lo - inter + xmax - xmin))
    return iou


def test_iou_labels_are_the_official_float64_ones_cast_to_float32():
    # An ActivityNet-shaped video: segments in seconds over the duration;
    # many proposals sit exactly on the 0.2 stratum threshold of L_iou.
    duration = 120.0
    boxes = np.array([[12.0, 36.0], [54.0, 60.0], [72.0, 117.6]]) / duration
    model = MODELS.build(dict(TINY, temporal_dim=100))
    gt_iou = model.generate_labels([torch.from_numpy(boxes)])[3][0]
    expected = official_iou_labels(boxes, 100).astype(np.float32)
    assert gt_iou.dtype == torch.float32
    assert np.array_equal(gt_iou.numpy(), expected)
    on_threshold = int((expected == np.float32(0.2)).sum())
    assert on_threshold > 10
    assert int((gt_iou == 0.2).sum()) == on_threshold


def test_labels_of_a_video_without_actions():
    model = MODELS.build(TINY)
    labels = model.generate_labels([torch.zeros(0), torch.tensor([[.1, .5]])])
    for label in labels:
        assert (label[0] == 0).all() and label[1].max() > 0


def test_forward_loss_backward_and_predict_every_video():
    torch.manual_seed(0)
    model = MODELS.build(TINY)
    model.init_weights()
    inputs = [torch.randn(6, 10) for _ in range(3)]
    actionness, iou_map, start, end = model(inputs, mode='tensor')
    assert actionness.shape == (3, 3, 10)
    assert iou_map.shape == start.shape == end.shape == (3, 10, 10)
    batch = samples([[[0.1, 0.5]], [[0.2, 0.3], [0.6, 0.9]], [[0., 1.]]])
    losses = model(inputs, batch, mode='loss')
    assert set(losses) == {'loss_action', 'loss_iou', 'loss_start', 'loss_end'}
    total = sum(losses.values())
    total.backward()
    assert torch.isfinite(total)
    assert all(torch.isfinite(p.grad).all() for p in model.parameters())
    model.eval()
    with torch.no_grad():
        results = model(inputs, batch, mode='predict')
    assert [r['video_name'] for r in results] == ['v_0', 'v_1', 'v_2']
    for result in results:
        proposals = result['proposal_list']
        assert len(proposals) == 55  # all 10 * 11 / 2 start <= end pairs
        scores = [p['score'] for p in proposals]
        assert scores == sorted(scores, reverse=True)
        for p in proposals:  # seconds within the 1600 // 16 * 16 frames
            assert 0 <= p['segment'][0] < p['segment'][1] <= 64.
    with pytest.raises(RuntimeError, match='Invalid mode'):
        model(inputs, batch, mode='bad')


def test_shape_and_argument_errors():
    model = MODELS.build(TINY)
    with pytest.raises(ValueError, match=r'\(B, 6, 10\), got \(2, 6, 12\)'):
        model(torch.randn(2, 6, 12), mode='tensor')
    batch = samples([[[0.1, 0.5]], [[0.2, 0.3]]])
    with pytest.raises(
            ValueError,
            match=r'\(6, 10\) per video, got '
            r'\(6, 9\) for v_1; check the feature files'):
        model([torch.randn(6, 10), torch.randn(6, 9)], batch, mode='loss')
    with pytest.raises(ValueError, match='odd'):
        DBG(feat_dim=5)
    with pytest.raises(ValueError, match='do not add up'):
        DBG(feat_dim=6, stream_dims=(2, 2))


def test_default_init_is_glorot_uniform_with_zero_bias():
    model = MODELS.build(TINY)
    model.init_weights()
    conv = model.tbc.conv3d
    fan_in = conv.weight[0].numel()
    fan_out = conv.weight.shape[0] * conv.weight[0, 0].numel()
    bound = (6 / (fan_in + fan_out))**0.5
    assert conv.weight.abs().max() <= bound
    assert conv.weight.abs().max() > 0.5 * bound
    assert (conv.bias == 0).all() and (model.dsb.rgb[0][0].bias == 0).all()


@pytest.mark.parametrize('name', [
    'dbg_400x100_1xb16-12e_activitynet-feature.py',
    'dbg_400x128_1xb16-12e_thumos14-feature.py'
])
def test_paper_configs_build_with_per_part_weight_decay(name):
    cfg = Config.fromfile(osp.join(CONFIGS, name))
    assert cfg.default_scope == 'mmaction'
    assert cfg.custom_imports['imports'] == ['mmext.action']
    init_default_scope('mmaction')
    model = MODELS.build(cfg.model)
    assert sum(p.numel() for p in model.parameters()) == 2874758
    wrapper = build_optim_wrapper(model, cfg.optim_wrapper)
    decay = {}
    for group in wrapper.optimizer.param_groups:
        for param in group['params']:
            decay[id(param)] = group['weight_decay']
    expected = {
        'dsb.rgb.0.0.weight': 2e-3,
        'dsb.fused_score.weight': 2e-3,
        'dsb.rgb.0.0.bias': 0.,
        'tbc.conv3d.weight': 2e-4,
        'tbc.conv3d.bias': 0.,
        'tbc.layers.0.weight': 2e-5,
        'acr.layers.3.weight': 2e-5,
        'acr.layers.3.bias': 0.,
    }
    params = dict(model.named_parameters())
    for key, value in expected.items():
        assert decay[id(params[key])] == pytest.approx(value), key
    assert cfg.train_cfg.max_epochs == 12
    assert cfg.param_scheduler[0].milestones == [8]
    assert cfg.train_dataloader.batch_size == 16
