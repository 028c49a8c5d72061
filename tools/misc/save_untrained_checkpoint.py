# Save the weights a config's model starts training from, as a checkpoint
# that tools/test.py evaluates: the "untrained" reference of a quickstart.
import argparse
import os.path as osp
import tempfile

import mmext  # noqa: F401  applies mmext.compat before mmengine is used
from mmext.quickstart import prepare_data
from mmengine.config import Config, DictAction
from mmengine.registry import RUNNERS
from mmengine.runner import Runner


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='Save the initial weights of a config as a checkpoint')
    parser.add_argument('config', help='config file path')
    parser.add_argument('out', help='checkpoint file to write (.pth)')
    parser.add_argument(
        '--seed', type=int, default=None, help='random seed, as train.py')
    parser.add_argument(
        '--cfg-options',
        nargs='+',
        action=DictAction,
        help='override settings of the config, as key=value pairs')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    cfg = Config.fromfile(args.config)
    if args.cfg_options is not None:
        cfg.merge_from_dict(args.cfg_options)
    if args.seed is not None:
        cfg.randomness = dict(cfg.get('randomness', {}), seed=args.seed)
    # nothing the runner would log or write is kept
    cfg.work_dir = tempfile.mkdtemp(prefix='mmext-untrained-')
    cfg.load_from = None
    cfg.resume = False
    prepare_data(cfg)
    runner = (
        Runner.from_cfg(cfg)
        if 'runner_type' not in cfg else RUNNERS.build(cfg))
    # the same initialisation runner.train() applies before the first step
    if hasattr(runner.model, 'init_weights'):
        runner.model.init_weights()
    out_dir, filename = osp.split(osp.abspath(args.out))
    runner.save_checkpoint(
        out_dir, filename, save_optimizer=False, save_param_scheduler=False)
    print(f'saved the untrained weights of {args.config} to {args.out}')


if __name__ == '__main__':
    main()
