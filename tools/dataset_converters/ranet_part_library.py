"""Build RANet's PDA part library from human-parsing annotations.

The input is LIP-style data (Look Into Person, CVPR'17): an image folder
and a folder of single-channel label maps with the same file stems, whose
labels are LIP's 20 classes (0 background, 14/15 left/right arm, 16/17
left/right leg, 5 upper clothes, 9 pants, 13 face, ...)::

    python tools/dataset_converters/ranet_part_library.py \
        data/lip/TrainVal_images/train_images \
        data/lip/TrainVal_parsing_annotations/train_segmentations \
        data/lip/part_library [--classes 14 15 16 17 5 9 13] \
        [--min-area 400] [--with-person] [--max-images 5000]

It writes ``<out>/index.json`` and ``<out>/parts/*.png`` (RGBA crops whose
alpha is the part mask), the format documented in
:mod:`mmext.pose.datasets.part_library`, which the
``ParsingBasedDataAugmentation`` transform reads.
"""
import argparse
import glob
import os.path as osp
from typing import List, Optional, Tuple

import mmext  # noqa: F401  compat shims before any toolbox import
from mmext.pose.datasets.part_library import (DEFAULT_CLASSES, LIP_CLASSES,
                                              build_part_library)

IMAGE_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')


def pair_files(img_dir: str,
               parsing_dir: str,
               max_images: Optional[int] = None) -> List[Tuple[str, str]]:
    """Match every label map with its image by file stem.

    Args:
        img_dir (str): Folder of images.
        parsing_dir (str): Folder of ``<stem>.png`` label maps.
        max_images (int, optional): Keep the first ones (sorted by stem).

    Returns:
        list[tuple[str, str]]: (image, label map) paths.
    """
    images = {}
    for path in glob.glob(osp.join(img_dir, '*')):
        stem, ext = osp.splitext(osp.basename(path))
        if ext.lower() in IMAGE_EXTENSIONS:
            images[stem] = path
    maps = sorted(glob.glob(osp.join(parsing_dir, '*.png')))
    if not maps:
        raise FileNotFoundError(f'no *.png label maps in {parsing_dir}')
    pairs = []
    for path in maps:
        stem = osp.splitext(osp.basename(path))[0]
        if stem not in images:
            raise FileNotFoundError(
                f'label map {path} has no image {stem}.* in {img_dir}')
        pairs.append((images[stem], path))
    return pairs[:max_images] if max_images else pairs


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    parser.add_argument('img_dir', help='folder of person images')
    parser.add_argument('parsing_dir', help='folder of LIP label maps')
    parser.add_argument('out_dir', help='part library root to write')
    parser.add_argument(
        '--classes',
        type=int,
        nargs='+',
        default=list(DEFAULT_CLASSES),
        help='LIP label ids to cut: ' +
        ', '.join(f'{k} {v[0]}' for k, v in LIP_CLASSES.items()))
    parser.add_argument(
        '--min-area',
        type=int,
        default=400,
        help='smallest part mask kept, in pixels')
    parser.add_argument(
        '--with-person',
        action='store_true',
        help='also cut whole persons ("nearby person")')
    parser.add_argument('--max-images', type=int, default=None)
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    pairs = pair_files(args.img_dir, args.parsing_dir, args.max_images)
    count = build_part_library(pairs, args.out_dir, args.classes,
                               args.min_area, args.with_person)
    print(f'{count} parts from {len(pairs)} images written to '
          f'{args.out_dir}')


if __name__ == '__main__':
    main()
