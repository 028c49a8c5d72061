"""Partial FC through tools/dist_train.sh on 2 gloo ranks: every rank's
shard in the checkpoint, an exact resume, and the merge converter."""
import os
import os.path as osp
import subprocess

import pytest
import torch

from tests.tool_runner import ROOT, run_tool

CONFIG = osp.join(ROOT, 'tests', 'data', 'configs', 'partial_fc_toy.py')


def dist_train(work, port, *extra):
    env = dict(os.environ, PORT=str(port), CUDA_VISIBLE_DEVICES='',
               OMP_NUM_THREADS='1')
    proc = subprocess.run(
        ['bash', 'tools/dist_train.sh', CONFIG, '2', '--work-dir', work,
         *extra],
        cwd=ROOT, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    return proc.stdout + proc.stderr


def states(work):
    return [torch.load(osp.join(work, f'rank{r}_state.pth')) for r in (0, 1)]


@pytest.mark.dist
def test_shards_saved_resumed_exactly_and_merged(tmp_path):
    straight = str(tmp_path / 'straight')
    log = dist_train(straight, 29641)
    assert 'Epoch(train) [2][6/6]' in log  # 48 samples / (2 x 4)
    final = states(straight)
    # the shards are 3 and 4 classes of 7; t is the same on both ranks
    assert final[0]['head.weight'].shape == (3, 16)
    assert final[1]['head.weight'].shape == (4, 16)
    assert torch.equal(final[0]['head.margin.t'], final[1]['head.margin.t'])
    assert int(final[0]['head.num_steps']) == 12
    for key in final[0]:
        if key.startswith('backbone.'):  # DDP keeps the backbone in sync
            torch.testing.assert_close(final[0][key], final[1][key],
                                       rtol=0, atol=0)

    ckpt = torch.load(osp.join(straight, 'epoch_2.pth'), weights_only=False)
    ranks = ckpt['partial_fc_shards']['ranks']
    assert ckpt['partial_fc_shards']['world_size'] == 2
    for rank in (0, 1):
        assert torch.equal(ranks[rank]['state_dict']['head.weight'],
                           final[rank]['head.weight'])
        assert any('momentum_buffer' in s
                   for s in ranks[rank]['optimizer'].values())

    # one epoch, then --resume for the second: the same final state
    resumed = str(tmp_path / 'resumed')
    dist_train(resumed, 29642, '--cfg-options', 'train_cfg.max_epochs=1')
    log = dist_train(resumed, 29643, '--resume')
    assert 'resumed epoch: 1' in log
    for got, want in zip(states(resumed), final):
        assert set(got) == set(want)
        for key in want:
            torch.testing.assert_close(got[key], want[key], rtol=0,
                                       atol=1e-6, msg=key)

    # merge the checkpoint's shards into one CurricularFaceHead weight
    merged = str(tmp_path / 'merged.pth')
    run_tool('tools/model_converters/partial_fc_shards.py', 'merge', merged,
             osp.join(straight, 'epoch_2.pth'))
    state = torch.load(merged, weights_only=False)['state_dict']
    torch.testing.assert_close(
        state['head.norm_product.weight'],
        torch.cat([final[0]['head.weight'], final[1]['head.weight']]),
        rtol=0, atol=0)
    assert torch.equal(state['head.t'], final[0]['head.margin.t'])
