"""Derive the Auto-FEM genotype of an ASFD search and write a detector config.

    python tools/analysis_tools/asfd_derive_genotype.py \
        configs/asfd/asfd-d1_r18_autofem-search_8xb4-50e_widerface.py \
        work_dirs/asfd-d1_r18_autofem-search_8xb4-50e_widerface/epoch_50.pth \
        --out configs/asfd/asfd-d1_r18_searched_8xb4-121e_widerface.py \
        [--base configs/asfd/asfd-d1_r18_8xb4-121e_widerface.py]

The supernet (``AutoFEMSearch``) of the search config is built, its
architecture parameters (``neck.arch_*``) are read from the checkpoint, and
``derive_genotype`` picks the argmax op of every edge and the strongest
edges of every context node. The written config inherits ``--base`` (a
detector config with the fixed ``AutoFEM`` neck) and sets the neck's
``fpn_genotype`` and ``context_genotype``; it is trained from scratch
(ImageNet backbone) as the searched network.
"""
import argparse
import os.path as osp
import pprint
import sys

import mmext  # noqa: F401  applies mmext.compat (checkpoint policy)
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmext.compat import trust_checkpoint

DEFAULT_BASE = 'configs/asfd/asfd-d1_r18_8xb4-121e_widerface.py'


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('config', help='search config (AutoFEMSearch neck)')
    parser.add_argument('checkpoint', help='checkpoint of the search')
    parser.add_argument('--out', required=True, help='config to write')
    parser.add_argument(
        '--base',
        default=DEFAULT_BASE,
        help='detector config the written one inherits')
    return parser.parse_args(argv)


def derive_genotype(config: str, checkpoint: str) -> dict:
    """Build the search config's neck, load its architecture parameters
    from ``checkpoint`` and derive the genotype.

    Returns:
        dict: ``fpn_genotype`` and ``context_genotype``.

    Raises:
        TypeError: if the config's neck is not a supernet.
        KeyError: if the checkpoint lacks an architecture parameter.
    """
    from mmdet.registry import MODELS

    import mmext.det  # noqa: F401  registers AutoFEMSearch
    init_default_scope('mmdet')
    cfg = Config.fromfile(config)
    neck = MODELS.build(cfg.model.neck)
    if not hasattr(neck, 'derive_genotype'):
        raise TypeError(f'{config}: model.neck is {cfg.model.neck.type}, '
                        'not a supernet such as AutoFEMSearch')
    # The search checkpoint is the user's own run, named on the command
    # line: loaded as tools/test.py loads its checkpoint (mmext.compat).
    trust_checkpoint(checkpoint)
    from mmengine.runner import checkpoint as mmengine_checkpoint
    state = mmengine_checkpoint._load_checkpoint(
        checkpoint, map_location='cpu')
    state = state.get('state_dict', state)
    arch = {
        key[len('neck.'):]: value
        for key, value in state.items() if key.startswith('neck.arch_')
    }
    expected = {n for n, _ in neck.named_parameters() if n.startswith('arch_')}
    missing = expected - set(arch)
    if missing:
        raise KeyError(f'{checkpoint}: no {sorted(missing)} under "neck."; '
                       'is it a checkpoint of this search config?')
    neck.load_state_dict(arch, strict=False)
    return neck.derive_genotype()


def render_config(genotype: dict, base: str, out: str, config: str,
                  checkpoint: str) -> str:
    """Text of a detector config with ``genotype`` on top of ``base``."""
    base_rel = osp.relpath(osp.abspath(base), osp.dirname(osp.abspath(out)))
    fpn = pprint.pformat(genotype['fpn_genotype'], indent=4, width=72)
    context = pprint.pformat(
        [tuple(pairs) for pairs in genotype['context_genotype']],
        indent=4,
        width=72)
    return (f'# Auto-FEM genotype derived by\n'
            f'#   tools/analysis_tools/asfd_derive_genotype.py\n'
            f'# from {config}\n# and {checkpoint}.\n'
            f"_base_ = ['{base_rel}']\n\n"
            f'model = dict(\n    neck=dict(\n        type=\'AutoFEM\',\n'
            f'        fpn_genotype={fpn},\n'
            f'        context_genotype={context}))\n')


def main(argv=None) -> int:
    args = parse_args(argv)
    genotype = derive_genotype(args.config, args.checkpoint)
    text = render_config(genotype, args.base, args.out, args.config,
                         args.checkpoint)
    with open(args.out, 'w') as f:
        f.write(text)
    print(text)
    return 0


if __name__ == '__main__':
    sys.exit(main())
