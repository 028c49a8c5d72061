"""Score a WIDER FACE submission folder with the official protocol.

    python tools/analysis_tools/wider_face_eval.py \\
        --pred <submission dir> \\
        --gt data/WIDERFace/eval_tools/ground_truth [--allow-missing]

``--pred`` holds one ``<event>/<image>.txt`` per validation image (image
name; number of faces N; N lines ``x y w h score``), as written by
``WIDERFaceMetric(submission_dir=...)`` or by any other detector's test
script.  ``--gt`` is the official ``eval_tools/ground_truth`` folder
(``wider_face_val.mat`` and ``wider_{easy,medium,hard}_val.mat``).  The
scores come from the same function as ``WIDERFaceMetric``
(:func:`mmext.det.evaluation.functional.evaluate_wider_face`), so numbers
from mmext and from other code bases are comparable.  A malformed file
stops the run with an error naming the file and the line.
"""
import argparse
import json

from mmext.det.datasets.wider_face_io import (SETTINGS, load_wider_face_gt,
                                              read_prediction_dir)
from mmext.det.evaluation.functional import evaluate_wider_face


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description='WIDER FACE Easy/Medium/Hard AP of a submission folder')
    parser.add_argument(
        '--pred', required=True, help='folder of <event>/<image>.txt files')
    parser.add_argument(
        '--gt',
        required=True,
        help='eval_tools/ground_truth folder with the official .mat files')
    parser.add_argument(
        '--iou-thr', type=float, default=0.5, help='match IoU threshold')
    parser.add_argument(
        '--allow-missing',
        action='store_true',
        help='score images without a prediction file as having no '
        'detection instead of stopping')
    parser.add_argument('--json', help='also write the APs to this JSON file')
    return parser.parse_args()


def main() -> None:
    args = parse_args()
    gt = load_wider_face_gt(args.gt)
    predictions = read_prediction_dir(args.pred, gt, args.allow_missing)
    aps = evaluate_wider_face(predictions, gt, args.iou_thr)
    print(f'{"Setting":<8} {"AP":>8}')
    for setting in SETTINGS:
        print(f'{setting.capitalize():<8} {aps[setting]:>8.4f}')
    if args.json:
        with open(args.json, 'w') as f:
            json.dump({s: aps[s] for s in SETTINGS}, f, indent=1)


if __name__ == '__main__':
    main()
