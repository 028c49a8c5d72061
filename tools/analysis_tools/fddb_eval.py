"""Score an FDDB detection output with the official ROC protocol.

    python tools/analysis_tools/fddb_eval.py \\
        --pred <fold-all-out.txt> [<fold-02-out.txt> ...] \\
        --ann data/FDDB/FDDB-folds --img-root data/FDDB/originalPics \\
        [--fp-levels 1000] [--roc-prefix <prefix>] [--json <file>]

``--pred`` are detection files in the output format of the official
``evaluate`` program (per image its path without extension, the number of
detections N and N lines ``left_x top_y width height detection_score``),
as written by ``FDDBMetric(submission_file=...)`` or by any other
detector.  ``--ann`` is the ``FDDB-folds`` folder (all folds) or one
``FDDB-fold-XX-ellipseList.txt``; ``--img-root`` holds the images, whose
sizes are the rasterisation canvas.  The scores come from the same function
as ``FDDBMetric`` (:func:`mmext.det.evaluation.functional.evaluate_fddb`),
so numbers from mmext and from other code bases are comparable;
``--roc-prefix`` also writes the official ``DiscROC.txt`` / ``ContROC.txt``.
A malformed file stops the run with an error naming the file and the line.
"""
import argparse
import json
import os.path as osp

from PIL import Image

from mmext.det.datasets.fddb_io import (fddb_annotation_files,
                                        parse_fddb_detections,
                                        parse_fddb_ellipse_list,
                                        write_fddb_roc)
from mmext.det.evaluation.functional import evaluate_fddb


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='FDDB discrete / continuous ROC of detection files')
    parser.add_argument(
        '--pred',
        required=True,
        nargs='+',
        help='detection files (image, count, "x y w h score" lines)')
    parser.add_argument(
        '--ann',
        required=True,
        help='FDDB-folds folder or one FDDB-fold-XX-ellipseList.txt')
    parser.add_argument(
        '--img-root', required=True, help='the originalPics folder')
    parser.add_argument(
        '--img-suffix', default='.jpg', help='image file extension')
    parser.add_argument(
        '--fp-levels',
        type=int,
        nargs='+',
        default=[1000],
        help='numbers of false positives to read the ROC at')
    parser.add_argument(
        '--roc-prefix',
        help='also write <prefix>DiscROC.txt and <prefix>ContROC.txt')
    parser.add_argument('--json', help='also write the rates to this file')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    annotations = {}
    for path in fddb_annotation_files(args.ann):
        with open(path) as f:
            annotations.update(parse_fddb_ellipse_list(path, f.read()))
    predictions = {}
    for path in args.pred:
        with open(path) as f:
            for key, dets in parse_fddb_detections(path, f.read()):
                if key in predictions:
                    raise ValueError(f'{path}: image {key} is listed twice')
                predictions[key] = dets
    shapes = {}
    for key in predictions:
        if key in annotations:
            with Image.open(osp.join(args.img_root,
                                     key + args.img_suffix)) as img:
                shapes[key] = (img.height, img.width)
    out = evaluate_fddb(
        predictions,
        annotations,
        shapes,
        args.fp_levels,
        return_roc=bool(args.roc_prefix))
    if args.roc_prefix:
        write_fddb_roc(args.roc_prefix, out.pop('roc'))
    print(f'{"FP":>6} {"discrete":>9} {"continuous":>11}')
    for level in args.fp_levels:
        print(f'{level:>6} {out[f"discrete@{level}fp"]:>9.4f} '
              f'{out[f"continuous@{level}fp"]:>11.4f}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump(out, f, indent=1)


if __name__ == '__main__':
    main()
