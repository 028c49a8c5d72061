# Train a model of any mmext scope (mmpretrain, mmdet, mmpose, mmaction,
# mmext) with the mmengine runner; the config's ``default_scope`` decides.
import argparse
import glob
import os
import os.path as osp

import mmext  # noqa: F401  applies mmext.compat before mmengine is used
from mmext.quickstart import prepare_data
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner


def parse_args():
    parser = argparse.ArgumentParser(description='Train a model')
    parser.add_argument('config', help='train config file path')
    parser.add_argument('--work-dir', help='the dir to save logs and models')
    parser.add_argument(
        '--resume',
        nargs='?',
        type=str,
        const='auto',
        help='resume from the given checkpoint, or, without a value, from '
        'the latest checkpoint in the work directory')
    parser.add_argument(
        '--force',
        action='store_true',
        help='train anew into a work directory that holds checkpoints of '
        'an earlier run (they are overwritten where the names meet)')
    parser.add_argument(
        '--amp',
        action='store_true',
        default=False,
        help='enable automatic-mixed-precision training')
    parser.add_argument(
        '--auto-scale-lr',
        action='store_true',
        help='scale the learning rate by the actual batch size')
    parser.add_argument(
        '--no-validate',
        action='store_true',
        help='do not evaluate checkpoints during training')
    parser.add_argument('--seed', type=int, default=None, help='random seed')
    parser.add_argument(
        '--diff-rank-seed',
        action='store_true',
        help='use a different seed on every rank')
    parser.add_argument(
        '--deterministic',
        action='store_true',
        help='select deterministic algorithms (cudnn and torch)')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs')
    parser.add_argument(
        '--launcher',
        choices=['none', 'pytorch', 'slurm', 'mpi'],
        default='none',
        help='job launcher')
    # torch.distributed.launch passes --local-rank, older versions
    # --local_rank; torchrun sets LOCAL_RANK in the environment instead.
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def merge_args(cfg: Config, args: argparse.Namespace) -> Config:
    """Merge the command-line arguments into the config."""
    cfg.launcher = args.launcher
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
    elif cfg.get('work_dir', None) is None:
        cfg.work_dir = osp.join('./work_dirs',
                                osp.splitext(osp.basename(args.config))[0])

    if args.amp:
        optim_wrapper = cfg.optim_wrapper.get('type', 'OptimWrapper')
        if optim_wrapper in ('AmpOptimWrapper', 'mmengine.AmpOptimWrapper'):
            print('AMP training is already enabled in the config.')
        else:
            assert optim_wrapper in ('OptimWrapper',
                                     'mmengine.OptimWrapper'), (
                '`--amp` is only supported with `OptimWrapper`, but got '
                f'{optim_wrapper}.')
            cfg.optim_wrapper.type = 'AmpOptimWrapper'
            cfg.optim_wrapper.setdefault('loss_scale', 'dynamic')

    if args.auto_scale_lr:
        if 'auto_scale_lr' not in cfg or 'base_batch_size' not in \
                cfg.auto_scale_lr:
            raise KeyError(
                f'{args.config}: `--auto-scale-lr` needs '
                '`auto_scale_lr = dict(base_batch_size=...)` in the config')
        cfg.auto_scale_lr.enable = True

    if args.resume == 'auto':
        cfg.resume = True
        cfg.load_from = None
    elif args.resume is not None:
        cfg.resume = True
        cfg.load_from = args.resume

    if args.no_validate:
        cfg.val_cfg = None
        cfg.val_dataloader = None
        cfg.val_evaluator = None

    randomness = cfg.get('randomness', {})
    if args.seed is not None:
        randomness['seed'] = args.seed
    if args.diff_rank_seed:
        randomness['diff_rank_seed'] = True
    if args.deterministic:
        randomness['deterministic'] = True
    if randomness:
        cfg.randomness = randomness

    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    return cfg


def check_work_dir(cfg: Config, args: argparse.Namespace) -> None:
    """Refuse to train anew over an earlier run's checkpoints.

    mmengine would overwrite ``epoch_1.pth``..., keep the earlier run's
    later checkpoints beside the new ones and repoint ``last_checkpoint``.
    """
    if cfg.get('resume', False) or args.force:
        return
    work_dir = cfg.work_dir
    found = sorted(
        osp.basename(p) for p in glob.glob(osp.join(work_dir, '*.pth')))
    if osp.isfile(osp.join(work_dir, 'last_checkpoint')):
        found.append('last_checkpoint')
    if found:
        shown = ', '.join(found[:4]) + (', ...' if len(found) > 4 else '')
        raise SystemExit(
            f'tools/train.py: the work directory {work_dir} holds an earlier '
            f'run ({shown}); training anew would overwrite its checkpoints. '
            'Pass --resume to continue that run, --force to train anew over '
            'it, or another --work-dir.')


def main():
    args = parse_args()
    cfg = merge_args(Config.fromfile(args.config), args)
    check_work_dir(cfg, args)
    prepare_data(cfg)
    if 'runner_type' not in cfg:
        runner = Runner.from_cfg(cfg)
    else:
        runner = RUNNERS.build(cfg)
    runner.train()


if __name__ == '__main__':
    main()
