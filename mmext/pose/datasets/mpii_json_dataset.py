"""MPII in mmpose's json annotation format, with every entry checked."""
import json
import math
from numbers import Real
from typing import List, Tuple

from mmengine.fileio import exists, get_local_path
from mmpose.datasets import MpiiDataset
from mmpose.registry import DATASETS

#: MPII's joint count (mmpose's ``mpii.py`` metainfo).
MPII_NUM_JOINTS = 16


def _is_number(value) -> bool:
    return isinstance(value, Real) and not isinstance(
        value, bool) and math.isfinite(value)


def check_mpii_entry(ann, index: int, ann_file: str) -> None:
    """Raise ``ValueError`` naming the file and entry if ``ann`` is not an
    MPII person entry that mmpose's reader would turn into right data.

    An entry needs ``image`` (file name), ``center`` (two finite numbers,
    1-based pixels, or -1 for none), ``scale`` (a positive number, person
    height / 200), ``joints`` (16 pairs of finite numbers) and
    ``joints_vis`` (16 flags).  mmpose reads the joints with
    ``reshape(1, -1, 2)``, so 15 joints would pass its reader and the whole
    pipeline with every joint after the missing one shifted.
    """
    where = f'{ann_file}: entry {index}'
    if not isinstance(ann, dict):
        raise ValueError(f'{where}: expected an object, got '
                         f'{type(ann).__name__}')
    missing = [
        k for k in ('image', 'center', 'scale', 'joints', 'joints_vis')
        if k not in ann
    ]
    if missing:
        raise ValueError(f'{where}: missing key(s) {missing}')
    if not isinstance(ann['image'], str) or not ann['image']:
        raise ValueError(f'{where}: "image" must be a file name, got '
                         f'{ann["image"]!r}')
    center = ann['center']
    if not (isinstance(center, list) and len(center) == 2
            and all(_is_number(c) for c in center)):
        raise ValueError(f'{where} ({ann["image"]}): "center" must be two '
                         f'finite numbers, got {center!r}')
    if not (_is_number(ann['scale']) and ann['scale'] > 0):
        raise ValueError(f'{where} ({ann["image"]}): "scale" must be a '
                         f'positive number, got {ann["scale"]!r}')
    joints, vis = ann['joints'], ann['joints_vis']
    if not (isinstance(joints, list) and len(joints) == MPII_NUM_JOINTS
            and all(
                isinstance(j, list) and len(j) == 2 and all(
                    _is_number(v) for v in j) for j in joints)):
        count = len(joints) if isinstance(joints, list) else 'no'
        raise ValueError(f'{where} ({ann["image"]}): "joints" must be '
                         f'{MPII_NUM_JOINTS} (x, y) pairs of finite numbers, '
                         f'got {count} entries')
    if not (isinstance(vis, list) and len(vis) == MPII_NUM_JOINTS
            and all(v in (0, 1) for v in vis)):
        raise ValueError(f'{where} ({ann["image"]}): "joints_vis" must be '
                         f'{MPII_NUM_JOINTS} flags 0/1, got {vis!r}')


@DATASETS.register_module()
class MpiiJsonDataset(MpiiDataset):
    """mmpose's :class:`MpiiDataset` that checks the annotation file first.

    Same format, fields and outputs as the parent; a truncated json, an
    entry without ``center`` / ``scale`` / ``joints`` / ``joints_vis`` /
    ``image``, or one with other than 16 joints is refused with the file
    and the entry index (see :func:`check_mpii_entry`), where the parent
    raises a bare ``KeyError`` or, for a wrong joint count, reads shifted
    joints without a word.
    """

    def _load_annotations(self) -> Tuple[List[dict], List[dict]]:
        if not exists(self.ann_file):
            raise FileNotFoundError(
                f'MPII annotation file {self.ann_file} does not exist')
        with get_local_path(self.ann_file) as local_path:
            with open(local_path) as f:
                try:
                    anns = json.load(f)
                except json.JSONDecodeError as e:
                    raise ValueError(f'{self.ann_file}:{e.lineno}: not valid '
                                     f'JSON ({e.msg})') from None
        if not isinstance(anns, list):
            raise ValueError(f'{self.ann_file}: expected a list of person '
                             f'entries, got {type(anns).__name__}')
        for index, ann in enumerate(anns):
            check_mpii_entry(ann, index, self.ann_file)
        return super()._load_annotations()
