"""Convert face data sets between image folders and insightface formats.

No MXNet is needed (mmext reads and writes RecordIO in pure Python).

Training sets, identity-per-folder <-> RecordIO (``train.rec`` /
``train.idx`` as insightface distributes MS1MV2, Glint360K, ...)::

    python tools/dataset_converters/face_dataset_converter.py folder2rec \
        data/casia/images data/casia            # -> train.rec/.idx
    python tools/dataset_converters/face_dataset_converter.py rec2folder \
        data/faces_emore/train.rec data/ms1mv2_images

``folder2rec`` stores every image's file bytes unchanged (no re-encoding),
labels the identities in sorted folder order (or the order of
``--identities``) and writes ``identities.txt`` (line ``i`` = the folder of
label ``i``) next to the ``.rec``; ``rec2folder`` names the folders after
it when present, otherwise by zero-padded label.

Verification sets, ``.bin`` <-> images plus a pair list::

    python tools/dataset_converters/face_dataset_converter.py bin2folder \
        data/faces_emore/lfw.bin data/lfw_pairs  # images/ + pairs.txt
    python tools/dataset_converters/face_dataset_converter.py folder2bin \
        data/lfw_pairs/pairs.txt data/lfw.bin

``pairs.txt`` has one pair per line, ``image1 image2 issame`` (paths
relative to the file's folder, ``issame`` 1 or 0).
"""
import argparse
import os
import os.path as osp
from typing import List, Optional

import mmext  # noqa: F401  compat shims before any toolbox import
from mmext.face.datasets import (FaceFolderDataset, FaceRecordIODataset,
                                 dump_bin, load_bin, write_face_recordio)


def image_extension(data: bytes) -> str:
    """File extension for encoded image bytes (by their signature)."""
    if data[:3] == b'\xff\xd8\xff':
        return '.jpg'
    if data[:8] == b'\x89PNG\r\n\x1a\n':
        return '.png'
    if data[:2] == b'BM':
        return '.bmp'
    raise ValueError('unknown image encoding (not JPEG, PNG or BMP)')


def folder_to_rec(src: str,
                  out_dir: str,
                  identities: Optional[List[str]] = None) -> int:
    """Pack an identity-per-folder tree into ``out_dir/train.rec``.

    Args:
        src (str): Folder with one sub-folder of images per identity.
        out_dir (str): Where ``train.rec``, ``train.idx`` and
            ``identities.txt`` are written.
        identities (list[str], optional): Identity folders in label order.
            Defaults to the sorted sub-folders.

    Returns:
        int: Number of images written.

    Raises:
        FileNotFoundError: If ``src`` or a listed identity folder is
            missing.
        ValueError: If an identity folder holds no image, or a folder is
            not in ``identities``.
    """
    dataset = FaceFolderDataset(
        data_prefix=osp.abspath(src), identities=identities)
    infos = [dataset.get_data_info(i) for i in range(len(dataset))]

    def read_images():
        for info in infos:
            with open(info['img_path'], 'rb') as f:
                yield f.read()

    os.makedirs(out_dir, exist_ok=True)
    write_face_recordio(
        osp.join(out_dir, 'train.rec'), [i['gt_label'] for i in infos],
        read_images())
    identities = dataset.metainfo['classes']
    with open(osp.join(out_dir, 'identities.txt'), 'w') as f:
        f.writelines(f'{identity}\n' for identity in identities)
    return len(infos)


def rec_to_folder(rec_path: str, out_dir: str) -> int:
    """Unpack a face RecordIO set into identity folders.

    Images are written as ``<identity>/<record key>.<ext>`` with their
    stored bytes. Identities are named by ``identities.txt`` next to the
    ``.rec`` if present, else by zero-padded label.

    Args:
        rec_path (str): The ``.rec`` file (its ``.idx`` beside it).
        out_dir (str): The output folder.

    Returns:
        int: Number of images written.
    """
    dataset = FaceRecordIODataset(rec_file=osp.abspath(rec_path))
    names_file = osp.join(osp.dirname(rec_path), 'identities.txt')
    names = None
    if osp.isfile(names_file):
        with open(names_file) as f:
            names = [line.strip() for line in f if line.strip()]
    for i, key in enumerate(dataset.image_keys):
        info = dataset.get_data_info(i)
        image, label = info['img_bytes'], info['gt_label']
        if names is not None:
            if label >= len(names):
                raise ValueError(f'{rec_path} record {key}: label {label} '
                                 f'but {names_file} lists {len(names)} '
                                 'identities')
            identity = names[label]
        else:
            identity = f'{label:07d}'
        try:
            ext = image_extension(image)
        except ValueError as err:
            raise ValueError(f'{rec_path} record {key}: {err}') from None
        folder = osp.join(out_dir, identity)
        os.makedirs(folder, exist_ok=True)
        with open(osp.join(folder, f'{key:08d}{ext}'), 'wb') as f:
            f.write(image)
    return len(dataset)


def bin_to_folder(bin_path: str, out_dir: str) -> int:
    """Unpack a ``.bin`` verification set into images and ``pairs.txt``.

    Returns:
        int: Number of pairs written.
    """
    images, issame = load_bin(bin_path)
    os.makedirs(osp.join(out_dir, 'images'), exist_ok=True)
    names = []
    for i, image in enumerate(images):
        try:
            ext = image_extension(image)
        except ValueError as err:
            raise ValueError(f'{bin_path} image {i}: {err}') from None
        names.append(f'images/{i:06d}{ext}')
        with open(osp.join(out_dir, names[-1]), 'wb') as f:
            f.write(image)
    with open(osp.join(out_dir, 'pairs.txt'), 'w') as f:
        f.writelines(f'{names[2 * i]} {names[2 * i + 1]} {int(same)}\n'
                     for i, same in enumerate(issame))
    return len(issame)


def folder_to_bin(pairs_file: str, bin_path: str) -> int:
    """Pack the images of a pair list into a ``.bin`` verification set.

    Returns:
        int: Number of pairs written.

    Raises:
        ValueError: If a line of ``pairs_file`` is malformed.
        FileNotFoundError: If an image is missing.
    """
    root = osp.dirname(pairs_file)
    images, issame = [], []
    with open(pairs_file) as f:
        for line_no, line in enumerate(f, 1):
            fields = line.split()
            if not fields:
                continue
            if len(fields) != 3 or fields[2] not in ('0', '1'):
                raise ValueError(f'{pairs_file}:{line_no}: expected '
                                 f'"image1 image2 issame(0/1)", got '
                                 f'{line.rstrip()!r}')
            for name in fields[:2]:
                path = osp.join(root, name)
                if not osp.isfile(path):
                    raise FileNotFoundError(
                        f'{pairs_file}:{line_no}: image {path} not found')
                with open(path, 'rb') as img:
                    images.append(img.read())
            issame.append(fields[2] == '1')
    os.makedirs(osp.dirname(osp.abspath(bin_path)), exist_ok=True)
    dump_bin(bin_path, images, issame)
    return len(issame)


def parse_args():
    parser = argparse.ArgumentParser(
        description='Convert face data between image folders and '
        'insightface RecordIO / .bin files')
    sub = parser.add_subparsers(dest='command', required=True)
    p = sub.add_parser('folder2rec', help='identity folders -> train.rec')
    p.add_argument('src', help='folder with one sub-folder per identity')
    p.add_argument('out_dir', help='where train.rec/train.idx are written')
    p.add_argument(
        '--identities',
        help='text file listing the identity folders in label order')
    p = sub.add_parser('rec2folder', help='train.rec -> identity folders')
    p.add_argument('rec', help='the .rec file (with its .idx)')
    p.add_argument('out_dir', help='output folder')
    p = sub.add_parser('bin2folder', help='.bin -> images + pairs.txt')
    p.add_argument('bin', help='the .bin verification set')
    p.add_argument('out_dir', help='output folder')
    p = sub.add_parser('folder2bin', help='pairs.txt + images -> .bin')
    p.add_argument('pairs', help='pairs.txt ("image1 image2 issame")')
    p.add_argument('bin', help='the .bin file to write')
    return parser.parse_args()


def main():
    args = parse_args()
    if args.command == 'folder2rec':
        identities = None
        if args.identities:
            with open(args.identities) as f:
                identities = [line.strip() for line in f if line.strip()]
        count = folder_to_rec(args.src, args.out_dir, identities)
        print(f'wrote {count} images to {args.out_dir}/train.rec')
    elif args.command == 'rec2folder':
        count = rec_to_folder(args.rec, args.out_dir)
        print(f'wrote {count} images to {args.out_dir}')
    elif args.command == 'bin2folder':
        count = bin_to_folder(args.bin, args.out_dir)
        print(f'wrote {count} pairs to {args.out_dir}/pairs.txt')
    else:
        count = folder_to_bin(args.pairs, args.bin)
        print(f'wrote {count} pairs to {args.bin}')


if __name__ == '__main__':
    main()
