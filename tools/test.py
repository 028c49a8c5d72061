# Evaluate a checkpoint of any mmext scope with the mmengine runner; the
# config's ``default_scope`` decides which toolbox's registries are used.
import argparse
import os
import os.path as osp

import mmext  # noqa: F401  applies mmext.compat before mmengine is used
from mmext.compat import (TRUSTED_CHECKPOINTS_ENV, is_run_checkpoint,
                          trust_checkpoint)
from mmext.quickstart import prepare_data
from mmengine.config import Config, DictAction
from mmengine.evaluator import DumpResults
from mmengine.registry import RUNNERS
from mmengine.runner import Runner


def parse_args():
    parser = argparse.ArgumentParser(description='Test (and evaluate) a model')
    parser.add_argument('config', help='test config file path')
    parser.add_argument('checkpoint', help='checkpoint file')
    parser.add_argument(
        '--work-dir', help='the directory to save the evaluation results')
    parser.add_argument(
        '--out',
        type=str,
        help='dump the raw predictions to this pickle file (.pkl)')
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
    parser.add_argument(
        '--tta',
        action='store_true',
        help='test-time augmentation with `tta_model` and `tta_pipeline` '
        'from the config')
    parser.add_argument('--local_rank', '--local-rank', type=int, default=0)
    args = parser.parse_args()
    if 'LOCAL_RANK' not in os.environ:
        os.environ['LOCAL_RANK'] = str(args.local_rank)
    return args


def trust_run_checkpoint(checkpoint: str, work_dirs: list) -> bool:
    """Trust ``checkpoint`` only if it is a checkpoint of one of the work
    dirs (mmengine's ``last_checkpoint`` or ``epoch_N.pth`` ... there).

    Any other file is loaded as external weights: tensors and numpy objects
    only, unless the user lists it in ``MMEXT_TRUSTED_CHECKPOINTS``.
    """
    for work_dir in work_dirs:
        if is_run_checkpoint(checkpoint, work_dir):
            trust_checkpoint(checkpoint)
            print(f'tools/test.py: {checkpoint} is a checkpoint of the run in '
                  f'{work_dir}: loaded as the run\'s own')
            return True
    print(f'tools/test.py: {checkpoint} is not a checkpoint of the work dir '
          f'({", ".join(work_dirs)}): loaded as external weights (tensors '
          'and numpy objects only). If it is a training checkpoint of '
          f'yours, list it in {TRUSTED_CHECKPOINTS_ENV}.')
    return False


def main():
    args = parse_args()
    cfg = Config.fromfile(args.config)
    cfg.launcher = args.launcher
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    # The training run's work dir (config or default); --work-dir, where
    # the results go, counts too, and so does the run folder holding it
    # (``--work-dir W/test``) when mmengine's last_checkpoint marks it.
    work_dirs = [
        cfg.get('work_dir', None)
        or osp.join('./work_dirs',
                    osp.splitext(osp.basename(args.config))[0])
    ]
    if args.work_dir is not None:
        cfg.work_dir = args.work_dir
        work_dirs.append(args.work_dir)
        parent = osp.dirname(osp.abspath(args.work_dir))
        if osp.isfile(osp.join(parent, 'last_checkpoint')):
            work_dirs.append(parent)
    else:
        cfg.work_dir = work_dirs[0]
    cfg.load_from = args.checkpoint
    trust_run_checkpoint(args.checkpoint, work_dirs)

    if args.tta:
        for key in ('tta_model', 'tta_pipeline'):
            if key not in cfg:
                raise KeyError(f'{args.config}: `--tta` needs `{key}` in the '
                               'config')
        cfg.test_dataloader.dataset.pipeline = cfg.tta_pipeline
        cfg.tta_model.module = cfg.model
        cfg.model = cfg.tta_model

    prepare_data(cfg)
    if 'runner_type' not in cfg:
        runner = Runner.from_cfg(cfg)
    else:
        runner = RUNNERS.build(cfg)

    if args.out is not None:
        if not args.out.endswith(('.pkl', '.pickle')):
            raise ValueError(f'--out {args.out}: must be a .pkl file')
        runner.test_evaluator.metrics.append(
            DumpResults(out_file_path=args.out))
    runner.test()


if __name__ == '__main__':
    main()
