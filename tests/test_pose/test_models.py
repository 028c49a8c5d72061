"""RANet's FPS, ERE, backbones and CVF head."""
import pytest
import torch
from mmengine.structures import InstanceData, PixelData
from mmpose.models.backbones import HRNet, ResNet
from mmpose.registry import MODELS
from mmpose.structures import PoseDataSample

import mmext.pose  # noqa: F401
from mmext.pose.models import (CascadeVotingFusionHead,
                               EffectiveRegionExtraction, FeaturePyramidStem)

TINY_HRNET = dict(
    stage1=dict(
        num_modules=1,
        num_branches=1,
        block='BOTTLENECK',
        num_blocks=(1, ),
        num_channels=(8, )),
    stage2=dict(
        num_modules=1,
        num_branches=2,
        block='BASIC',
        num_blocks=(1, 1),
        num_channels=(8, 16)),
    stage3=dict(
        num_modules=1,
        num_branches=3,
        block='BASIC',
        num_blocks=(1, 1, 1),
        num_channels=(8, 16, 32)),
    stage4=dict(
        num_modules=1,
        num_branches=4,
        block='BASIC',
        num_blocks=(1, 1, 1, 1),
        num_channels=(8, 16, 32, 64)))


def test_fps_shape_gradient_and_multiscale_receptive_field():
    torch.manual_seed(0)
    fps = FeaturePyramidStem(3, 24, mid_channels=8)
    x = torch.randn(2, 3, 37, 64, requires_grad=True)
    y = fps(x)
    assert y.shape == (2, 24, 10, 16)  # stride 4, rounded up
    y.sum().backward()
    assert x.grad.abs().sum() > 0
    assert all(p.grad is not None and p.grad.abs().sum() > 0
               for p in fps.parameters())
    # the stride-8 level widens the receptive field: the stride-2/4 path
    # alone (3x3 s2, 3x3 s2, 3x3) sees 19 px, with P8 it is 31+ px
    fps.eval()
    x = torch.zeros(1, 3, 64, 64, requires_grad=True)
    fps(x)[0, :, 8, 8].sum().backward()
    ys, xs = torch.nonzero(x.grad.abs().sum(1)[0], as_tuple=True)
    assert xs.max() - xs.min() + 1 > 30
    with torch.no_grad():
        fps.level8.conv.weight.zero_()  # cut the P8 path
        fps.level8.bn.bias.zero_()
    x.grad = None
    fps(x)[0, :, 8, 8].sum().backward()
    ys, xs = torch.nonzero(x.grad.abs().sum(1)[0], as_tuple=True)
    assert xs.max() - xs.min() + 1 <= 19


def test_ere_value_shape_and_gradient():
    ere = EffectiveRegionExtraction(16, num_regions=3)
    x = torch.randn(2, 16, 8, 8, requires_grad=True)
    with torch.no_grad():
        ere.region_logits.weight.zero_()
        ere.region_logits.bias.copy_(torch.tensor([-1., 2., 0.]))
    out = ere(x)
    # every region mask is constant: E = max sigmoid(bias) = sigmoid(2)
    torch.testing.assert_close(out, x * (1 + torch.sigmoid(torch.tensor(2.))))
    ere = EffectiveRegionExtraction(16)
    x = torch.randn(2, 16, 8, 8, requires_grad=True)
    out = ere(x)
    region = ere.region_map(x)
    assert region.shape == (2, 1, 8, 8)
    assert ((region >= 0) & (region <= 1)).all()
    assert out.shape == x.shape
    out.square().mean().backward()
    assert x.grad.abs().sum() > 0
    assert ere.region_logits.weight.grad.abs().sum() > 0


def test_ranet_resnet_keeps_resnet_parameter_names():
    plain = ResNet(depth=18, base_channels=8, stem_channels=16)
    same = MODELS.build(
        dict(
            type='RANetResNet',
            fps=None,
            ere=None,
            depth=18,
            base_channels=8,
            stem_channels=16))
    assert same.state_dict().keys() == plain.state_dict().keys()
    ranet = MODELS.build(
        dict(
            type='RANetResNet',
            depth=18,
            base_channels=8,
            stem_channels=16,
            out_indices=(0, 3)))
    keys = set(ranet.state_dict())
    # all stage parameters of the plain ResNet are still there
    assert {k for k in plain.state_dict() if k.startswith('layer')} <= keys
    assert any(k.startswith('layer4.ere.0.') for k in keys)
    assert not any(k.startswith('layer1.ere') for k in keys)
    x = torch.randn(2, 3, 64, 64, requires_grad=True)
    outs = ranet(x)
    assert [o.shape for o in outs] == [(2, 8, 16, 16), (2, 64, 2, 2)]
    sum(o.mean() for o in outs).backward()
    assert x.grad.abs().sum() > 0
    assert ranet.conv1.level2.conv.weight.grad.abs().sum() > 0
    assert ranet.layer4.ere[0].region_logits.weight.grad.abs().sum() > 0
    with pytest.raises(ValueError, match='one flag per stage'):
        MODELS.build(dict(type='RANetResNet', depth=18, ere_stages=(True, )))


def test_ranet_hrnet_shapes_and_names():
    plain = HRNet(extra=TINY_HRNET)
    ranet = MODELS.build(dict(type='RANetHRNet', extra=TINY_HRNET))
    keys = set(ranet.state_dict())
    assert {
        k
        for k in plain.state_dict()
        if k.startswith(('stage', 'layer1', 'transition'))
    } <= keys
    # stage 4 returns only its high-resolution branch: one ERE there
    assert any(k.startswith('stage4.ere.0.') for k in keys)
    assert not any(k.startswith('stage4.ere.1.') for k in keys)
    assert any(k.startswith('stage3.ere.2.') for k in keys)
    x = torch.randn(2, 3, 64, 64, requires_grad=True)
    out, = ranet(x)
    assert out.shape == (2, 8, 16, 16)
    out.mean().backward()
    assert x.grad.abs().sum() > 0
    assert ranet.conv1.level8.conv.weight.grad is not None


def heatmap_at(points, size=16):
    """(K, size, size) heatmaps with a single peak at each (x, y)."""
    hm = torch.zeros(len(points), size, size)
    for k, (x, y) in enumerate(points):
        hm[k, y, x] = 1.
    return hm


def test_cvf_vote_drops_a_deflected_stage():
    head = CascadeVotingFusionHead(
        8, 2, num_stages=3, vote_radius=2., deconv_out_channels=None)
    # joint 0: stages at x = 5, 6 and 13 -> vote 6; stage 3 (7 px) is
    # deflected. joint 1: all within 1 px of the vote -> all kept.
    stages = torch.stack([
        heatmap_at([(5, 4), (9, 9)]),
        heatmap_at([(6, 4), (9, 10)]),
        heatmap_at([(13, 4), (10, 9)]),
    ])[:, None]  # S, B=1, K, H, W
    fused, keep = head.vote(stages)
    assert keep[:, 0].tolist() == [[True, True], [True, True], [False, True]]
    torch.testing.assert_close(fused[0, 0],
                               (stages[0, 0, 0] + stages[1, 0, 0]) / 2)
    torch.testing.assert_close(fused[0, 1], stages[:, 0, 1].mean(0))
    # two stages that disagree: the one closer to the median stays
    # (median of 2 = their midpoint: equally close, both are kept)
    fused2, keep2 = head.vote(
        stages[:2, :, :1] * torch.tensor([1., 2.])[:, None, None, None, None])
    assert keep2.all()


def test_cvf_refinement_convs_keep_kaiming_init():
    """HeatmapHead's std-0.001 init must not reach the refinement convs."""
    torch.manual_seed(0)
    head = CascadeVotingFusionHead(
        32,
        4,
        num_stages=2,
        refine_channels=64,
        deconv_out_channels=None)
    head.init_weights()
    first, second, out = head.refine_stages[0]
    for conv in (first.conv, second.conv):
        # mmcv's ConvModule: Kaiming normal, fan_out = 64 * 3 * 3
        assert conv.weight.std().item() == pytest.approx(
            (2 / (64 * 9))**0.5, rel=0.1)
    # the heatmap output convs keep mmpose's init
    for conv in (out, head.final_layer):
        assert conv.weight.std().item() == pytest.approx(1e-3, rel=0.2)


@pytest.mark.parametrize('residual', [True, False])
def test_cvf_residual_stage_adds_its_correction(residual):
    """H_s = H_{s-1} + R_s([x, H_{s-1}]) with residual, R_s(...) without."""
    torch.manual_seed(0)
    head = CascadeVotingFusionHead(
        8,
        3,
        num_stages=3,
        refine_channels=4,
        deconv_out_channels=None,
        residual=residual)
    head.eval()
    last = head.refine_stages[1][-1]  # output conv of stage 3
    torch.nn.init.zeros_(last.weight)
    torch.nn.init.constant_(last.bias, 0.25)
    stages = head.forward_stages((torch.randn(2, 8, 5, 5), ))
    assert stages.shape == (3, 2, 3, 5, 5)
    expected = stages[1] + 0.25 if residual else torch.full_like(
        stages[1], 0.25)
    torch.testing.assert_close(stages[2], expected)


def test_cvf_head_forward_loss_and_predict():
    torch.manual_seed(0)
    codec = dict(
        type='MSRAHeatmap', input_size=(32, 32), heatmap_size=(8, 8), sigma=1)
    head = MODELS.build(
        dict(
            type='VisPredictHead',
            pose_cfg=dict(
                type='CascadeVotingFusionHead',
                in_channels=16,
                out_channels=3,
                num_stages=2,
                refine_channels=8,
                deconv_out_channels=(8, ),
                deconv_kernel_sizes=(4, ),
                decoder=codec)))
    feats = (torch.randn(2, 16, 4, 4), )
    assert head.pose_head.forward_stages(feats).shape == (2, 2, 3, 8, 8)
    samples = []
    for _ in range(2):
        s = PoseDataSample(
            metainfo=dict(
                input_size=(32, 32),
                input_center=(16., 16.),
                input_scale=(32., 32.),
                flip_indices=[0, 2, 1]))
        s.gt_fields = PixelData(heatmaps=torch.rand(3, 8, 8))
        s.gt_instance_labels = InstanceData(
            keypoint_weights=torch.tensor([[1., 1., 0.]]))
        s.gt_instances = InstanceData()
        samples.append(s)
    losses = head.loss(feats, samples)
    assert {'loss_kpt', 'acc_pose', 'loss_vis', 'acc_vis'} <= set(losses)
    # the stage losses are summed: both stages get gradients
    losses['loss_kpt'].backward()
    assert head.pose_head.final_layer.weight.grad.abs().sum() > 0
    assert head.pose_head.refine_stages[0][-1].weight.grad.abs().sum() > 0
    head.eval()
    preds, _ = head.predict([feats, feats], samples,
                            dict(flip_test=True, shift_heatmap=False))
    assert preds[0].keypoints.shape == (1, 3, 2)
    assert preds[0].keypoints_visible.shape == (1, 3)
    # the decoded keypoints are those of the voted (fused) heatmaps
    fused = head.pose_head(feats)
    fused = (fused + fused.flip(-1)[:, [0, 2, 1]]) / 2
    expected = head.pose_head.decode(fused)
    torch.testing.assert_close(
        torch.as_tensor(preds[1].keypoints),
        torch.as_tensor(expected[1].keypoints))
