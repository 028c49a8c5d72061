"""TEINet: MEM, TIM, the TEINet backbone and its configs."""
import os
import os.path as osp
import subprocess
import sys

import pytest
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope

import mmext.action  # noqa: F401
from mmaction.models.backbones.resnet_tsm import TemporalShift
from mmaction.registry import MODELS
from mmext.action.models import MEM, TEI, TIM, TEINet

ROOT = osp.dirname(osp.dirname(osp.dirname(osp.abspath(__file__))))


def test_mem_hand_worked_example():
    # C = 2 channels, reduction 2 -> hidden 1; T = 3 frames of 1x2 pixels.
    mem = MEM(in_channels=2, num_segments=3, reduction=2)
    with torch.no_grad():
        mem.fc1.weight.copy_(torch.tensor([[1., 0.]]))  # W1: channel 0
        mem.fc1.bias.zero_()
        mem.fc2.weight.copy_(torch.tensor([[0., 1.]]))  # W2: channel 1
        mem.fc2.bias.zero_()
        mem.fc3.weight.copy_(torch.tensor([[1.], [-2.]]))  # W3
        mem.fc3.bias.copy_(torch.tensor([0., 1.]))
    x = torch.tensor([[[[1., 3.]], [[0., 2.]]],     # t=1: pooled (2, 1)
                      [[[4., 4.]], [[2., 4.]]],     # t=2: pooled (4, 3)
                      [[[0., 2.]], [[6., 6.]]]])    # t=3: pooled (1, 6)
    # s_1 = W3 (W2 x2 - W1 x1) + b3 = W3 (3 - 2) + b3 = (1, -1)
    # s_2 = W3 (W2 x3 - W1 x2) + b3 = W3 (6 - 4) + b3 = (2, -3)
    sig = torch.sigmoid
    expected_attn = torch.stack([
        sig(torch.tensor([1., -1.])),
        sig(torch.tensor([2., -3.])),
        torch.ones(2)  # the last frame has no successor: unchanged
    ])
    torch.testing.assert_close(mem.attention(x)[0], expected_attn)
    out = mem(x)
    torch.testing.assert_close(out, x * expected_attn.view(3, 2, 1, 1))
    torch.testing.assert_close(out[2], x[2])


def test_mem_gradient_and_bad_input():
    mem = MEM(in_channels=8, num_segments=4).double()
    x = torch.randn(8, 8, 3, 3, dtype=torch.double, requires_grad=True)
    assert torch.autograd.gradcheck(mem, (x, ))
    with pytest.raises(ValueError, match='multiple of num_segments'):
        mem(torch.randn(6, 8, 2, 2, dtype=torch.double))
    with pytest.raises(ValueError, match='divisible'):
        MEM(in_channels=12, num_segments=4, reduction=8)


@pytest.mark.parametrize('num_segments', [8, 16])
def test_tim_shift_init_equals_tsm_shift(num_segments):
    tim = TIM(in_channels=32, num_segments=num_segments, init='shift',
              shift_div=8)
    x = torch.randn(2 * num_segments, 32, 5, 7)
    expected = TemporalShift.shift(x, num_segments, shift_div=8)
    torch.testing.assert_close(tim(x), expected, rtol=0, atol=0)


def test_tim_identity_and_random_init():
    x = torch.randn(16, 8, 3, 3)
    identity = TIM(8, num_segments=8, init='identity')
    torch.testing.assert_close(identity(x), x, rtol=0, atol=0)
    torch.manual_seed(0)
    random = TIM(8, num_segments=8, init='random')
    assert not torch.allclose(random(x), x)
    with pytest.raises(ValueError, match='init'):
        TIM(8, 8, init='tsm-ish')


def test_tim_is_a_channelwise_temporal_conv():
    """Each channel mixes only its own values at t-1, t, t+1."""
    tim = TIM(4, num_segments=3, init='random')
    x = torch.randn(3, 4, 2, 2)
    w = tim.conv.weight[:, 0]  # (C, 3)
    pad = torch.cat([torch.zeros(1, 4, 2, 2), x, torch.zeros(1, 4, 2, 2)])
    expected = sum(w[:, k].view(1, 4, 1, 1) * pad[k:k + 3] for k in range(3))
    torch.testing.assert_close(tim(x), expected)


def test_tim_equals_depthwise_conv1d():
    tim = TIM(6, num_segments=4, kernel_size=5, init='random')
    x = torch.randn(8, 6, 2, 3)
    conv = tim.conv
    # (N*T, C, H, W) -> (N*H*W, C, T)
    seq = x.view(2, 4, 6, 6).permute(0, 3, 2, 1).reshape(12, 6, 4)
    expected = conv(seq).view(2, 6, 6, 4).permute(0, 3, 2, 1).reshape(
        8, 6, 2, 3)
    torch.testing.assert_close(tim(x), expected)


def test_tei_is_mem_then_tim_and_differentiable():
    tei = TEI(16, num_segments=4, tim_cfg=dict(init='random')).double()
    x = torch.randn(8, 16, 3, 3, dtype=torch.double, requires_grad=True)
    torch.testing.assert_close(tei(x), tei.tim(tei.mem(x)))
    assert torch.autograd.gradcheck(tei, (x, ))


def build_recognizer(depth=50, num_segments=8, num_classes=400):
    init_default_scope('mmaction')
    return MODELS.build(
        dict(
            type='Recognizer2D',
            backbone=dict(type='TEINet', depth=depth,
                          num_segments=num_segments, norm_eval=False),
            cls_head=dict(
                type='TSMHead',
                num_classes=num_classes,
                in_channels=2048 if depth >= 50 else 512,
                num_segments=num_segments,
                spatial_type='avg',
                consensus=dict(type='AvgConsensus', dim=1),
                dropout_ratio=0.5,
                init_std=0.001,
                average_clips='prob'),
            data_preprocessor=dict(
                type='ActionDataPreprocessor',
                mean=[123.675, 116.28, 103.53],
                std=[58.395, 57.12, 57.375],
                format_shape='NCHW')))


def test_parameter_count_matches_paper():
    model = build_recognizer(num_classes=400)
    count = sum(p.numel() for p in model.parameters())
    print(f'TEINet-R50 (400 classes): {count / 1e6:.2f}M parameters')
    assert round(count / 1e6, 1) == 30.4  # the paper's 30.4M
    assert count == 30_356_896
    # Something-Something (174 classes)
    count = sum(p.numel() for p in build_recognizer(
        num_classes=174).parameters())
    assert round(count / 1e6, 2) == 29.89


def test_every_block_wrapped_and_tim_keeps_shift_init():
    backbone = TEINet(depth=50, num_segments=8)
    backbone.init_weights()
    teis = [m for m in backbone.modules() if isinstance(m, TEI)]
    assert len(teis) == 3 + 4 + 6 + 3
    # ResNet's Kaiming init_cfg must not overwrite TIM's shift kernel.
    tim = teis[0].tim
    x = torch.randn(16, tim.in_channels, 2, 2)
    torch.testing.assert_close(tim(x), TemporalShift.shift(x, 8, 8))
    with pytest.raises(TypeError, match='is_shift'):
        TEINet(depth=50, is_shift=True)


def test_loading_2d_weights_maps_every_key(tmp_path):
    torchvision = pytest.importorskip('torchvision')
    tv = torchvision.models.resnet50()
    state = {k: torch.randn_like(v) if v.is_floating_point() else v
             for k, v in tv.state_dict().items()}
    path = str(tmp_path / 'resnet50_tv.pth')
    torch.save(state, path)
    backbone = TEINet(depth=50, num_segments=8, pretrained=path)
    backbone.init_weights()
    ours = backbone.state_dict()

    def our_name(tv_name):
        parts = tv_name.split('.')
        if parts[0] in ('conv1', 'bn1'):
            return 'conv1.' + ('conv' if parts[0] == 'conv1' else 'bn') + \
                '.' + parts[-1]
        layer, block, module = parts[:3]
        if module == 'downsample':
            sub = 'conv' if parts[3] == '0' else 'bn'
            return f'{layer}.{block}.downsample.{sub}.{parts[-1]}'
        index = module[-1]
        if module.startswith('bn'):
            return f'{layer}.{block}.conv{index}.bn.{parts[-1]}'
        wrapped = '.net' if index == '1' else ''
        return f'{layer}.{block}.conv{index}.conv{wrapped}.{parts[-1]}'

    mapped = 0
    for name, value in state.items():
        if name.startswith('fc.') or name.endswith('num_batches_tracked'):
            continue
        torch.testing.assert_close(ours[our_name(name)], value, rtol=0,
                                   atol=0, msg=name)
        mapped += 1
    assert mapped == 265  # every conv and BN tensor of ResNet-50
    # TEI's own parameters are the only ones not in the 2D checkpoint.
    assert {k for k in ours if '.tei.' in k} == set(ours) - {
        our_name(n) for n in state if not n.startswith('fc.')}


@pytest.mark.parametrize('num_segments', [8, 16])
def test_forward_and_backward(num_segments):
    model = build_recognizer(depth=18, num_segments=num_segments,
                             num_classes=5)
    model.init_weights()
    inputs = torch.randn(2 * num_segments, 3, 32, 32)
    scores = model.cls_head(model.backbone(inputs), num_segs=num_segments)
    assert scores.shape == (2, 5)
    scores.sum().backward()
    mem = model.backbone.layer2[1].conv1.conv.tei.mem
    assert mem.fc3.weight.grad.abs().sum() > 0


def test_tsm_optimizer_constructor_accepts_teinet():
    from mmengine.optim import build_optim_wrapper
    model = build_recognizer(depth=18, num_classes=4)
    wrapper = build_optim_wrapper(
        model,
        dict(
            constructor='TSMOptimWrapperConstructor',
            paramwise_cfg=dict(fc_lr5=True),
            optimizer=dict(type='SGD', lr=0.01, momentum=0.9)))
    grouped = sum(p.numel() for g in wrapper.optimizer.param_groups
                  for p in g['params'])
    assert grouped == sum(p.numel() for p in model.parameters())


def test_paper_configs_build():
    config_dir = osp.join(ROOT, 'configs', 'teinet')
    for name in sorted(os.listdir(config_dir)):
        if not name.startswith('teinet_imagenet') or not name.endswith('.py'):
            continue
        cfg = Config.fromfile(osp.join(config_dir, name))
        backbone, head = cfg.model.backbone, cfg.model.cls_head
        assert backbone.type == 'TEINet' and backbone.depth == 50
        assert backbone.num_segments == head.num_segments, name
        assert backbone.num_segments == (16 if '1x1x16' in name else 8)
        assert cfg.optim_wrapper.paramwise_cfg.fc_lr5, name
        assert cfg.optim_wrapper.clip_grad.max_norm == 20, name
        flips = [t for t in cfg.train_pipeline if t.type == 'Flip']
        if 'sthv' in name:
            assert flips[0].flip_label_map, name  # left/right classes
        cfg.model.backbone.pretrained = None  # no download here
        init_default_scope('mmaction')
        model = MODELS.build(cfg.model)
        assert model.cls_head.num_classes == (400 if 'kinetics' in name
                                              else 174)


@pytest.mark.e2e
def test_quickstart_train_and_test(tmp_path):
    env = dict(os.environ, MMEXT_QUICKSTART_DIR=str(tmp_path / 'data'),
               PYTHONPATH=ROOT)
    config = 'configs/teinet/teinet_r18_quickstart.py'
    work = str(tmp_path / 'work')
    small = ['--cfg-options', 'train_cfg.max_epochs=1',
             'train_cfg.val_interval=1', 'train_cfg.val_begin=1',
             'train_dataloader.dataset.indices=8',
             'val_dataloader.dataset.indices=8',
             'test_dataloader.dataset.indices=8']
    for cmd in (['tools/train.py', config, '--work-dir', work, *small],
                ['tools/test.py', config, osp.join(work, 'epoch_1.pth'),
                 '--work-dir', work, *small]):
        proc = subprocess.run([sys.executable, *cmd], cwd=ROOT, env=env,
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert 'acc/top1' in proc.stdout + proc.stderr
    assert osp.isfile(tmp_path / 'data' / 'teinet' /
                      'train_list_rawframes.txt')
