import os
import os.path as osp
import re
from typing import List, Optional, Sequence, Tuple

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')
#: ``<subject>_cam<c>_<d>``: surveillance image of camera c at distance d.
PROBE_PATTERN = re.compile(r'^(\d+)_cam(\d+)_([123])$', re.IGNORECASE)
#: ``<subject>_frontal``: the mugshot.
GALLERY_PATTERN = re.compile(r'^(\d+)_frontal$', re.IGNORECASE)


def parse_probe_name(path: str) -> Tuple[str, int, int]:
    """Subject, camera and distance of an SCface surveillance image.

    Args:
        path (str): ``.../<subject>_cam<c>_<d>.<ext>`` with ``d`` in 1..3.

    Returns:
        tuple: ``(subject, camera, distance)``.

    Raises:
        ValueError: The name does not parse (the message names the file).
    """
    stem = osp.splitext(osp.basename(path))[0]
    match = PROBE_PATTERN.match(stem)
    if match is None:
        raise ValueError(f'{path}: an SCface surveillance image is named '
                         '<subject>_cam<camera>_<distance 1-3>.<ext>, e.g. '
                         '001_cam1_3.jpg')
    return match.group(1), int(match.group(2)), int(match.group(3))


def parse_gallery_name(path: str) -> str:
    """Subject of an SCface mugshot ``<subject>_frontal.<ext>``.

    Raises:
        ValueError: The name does not parse (the message names the file).
    """
    stem = osp.splitext(osp.basename(path))[0]
    match = GALLERY_PATTERN.match(stem)
    if match is None:
        raise ValueError(f'{path}: an SCface mugshot is named '
                         '<subject>_frontal.<ext>, e.g. 001_frontal.jpg')
    return match.group(1)


def _images(folder: str) -> List[str]:
    if not osp.isdir(folder):
        raise FileNotFoundError(f'SCface folder {folder} does not exist')
    found = []
    for root, _, files in os.walk(folder):
        for name in files:
            if name.lower().endswith(IMG_EXTENSIONS):
                found.append(osp.join(root, name))
    return sorted(found)


@DATASETS.register_module()
class SCfaceDataset(BaseDataset):
    """SCface (Surveillance Cameras Face) identification set.

    A mugshot (frontal, high resolution) gallery of one image per subject,
    probed by surveillance images at three distances: d1 (4.2 m, the
    smallest faces), d2 (2.6 m) and d3 (1.0 m). Files are found recursively
    and parsed from their names, as the SCface distribution names them:

    .. code-block:: none

        data_root/
          <gallery_prefix>/.../<subject>_frontal.<ext>        mugshots
          <probe_prefix>/.../<subject>_cam<c>_<d>.<ext>       probes, d 1..3
          <subject_file>        optional: the test subjects, one per line

    The paper's fine-tune/test subject split is not published; the subjects
    used come from ``subject_file`` (e.g. the second half of the 130), or
    all subjects with a mugshot when it is None. Each sample has
    ``img_path``, ``gt_label`` (the subject's index), ``subject``, ``role``
    (``'gallery'`` or ``'probe'``), ``distance`` (``'d1'``.. ``'d3'``, None
    for the gallery) and ``camera``; :class:`FaceIdentificationMetric`
    consumes them (pack ``role`` and ``distance`` with ``PackInputs``'
    ``meta_keys``).

    Args:
        data_root (str): The root folder.
        gallery_prefix (str): Folder of the mugshots, relative to
            ``data_root``. Defaults to ``'mugshot'``.
        probe_prefix (str): Folder of the surveillance images.
            Defaults to ``'surveillance'``.
        subject_file (str, optional): The subject list. Defaults to None.
        distances (Sequence[int]): Distances to keep. Defaults to (1, 2, 3).
        pipeline (Sequence): The pipeline. Defaults to ().
        test_mode (bool): Defaults to True.
        lazy_init (bool): Defaults to False.

    Raises:
        ValueError: A file name does not parse, a subject is listed twice,
            has two mugshots or no mugshot.
    """

    def __init__(self,
                 data_root: str,
                 gallery_prefix: str = 'mugshot',
                 probe_prefix: str = 'surveillance',
                 subject_file: Optional[str] = None,
                 distances: Sequence[int] = (1, 2, 3),
                 pipeline: Sequence = (),
                 test_mode: bool = True,
                 lazy_init: bool = False):
        self.gallery_prefix = gallery_prefix
        self.probe_prefix = probe_prefix
        self.subject_file = subject_file
        self.distances = tuple(int(d) for d in distances)
        super().__init__(
            ann_file='',
            data_root=data_root,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init)

    def _read_subjects(self) -> Optional[List[str]]:
        if self.subject_file is None:
            return None
        path = osp.join(self.data_root, self.subject_file)
        if not osp.isfile(path):
            raise FileNotFoundError(f'SCface subject list {path} does not '
                                    'exist')
        subjects, seen = [], {}
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                line = line.split('#', 1)[0].strip()
                if not line:
                    continue
                if not line.isdigit():
                    raise ValueError(f'{path} line {lineno}: {line!r} is not '
                                     'a subject number')
                subject = str(int(line))
                if subject in seen:
                    raise ValueError(f'{path} line {lineno}: subject {line} '
                                     f'is already listed on line '
                                     f'{seen[subject]}')
                seen[subject] = lineno
                subjects.append(subject)
        return subjects

    def load_data_list(self) -> List[dict]:
        """Find the mugshots and the probes of the selected subjects."""
        gallery = {}
        for path in _images(osp.join(self.data_root, self.gallery_prefix)):
            subject = str(int(parse_gallery_name(path)))
            if subject in gallery:
                raise ValueError(f'{path}: subject {subject} already has a '
                                 f'mugshot, {gallery[subject]}')
            gallery[subject] = path
        subjects = self._read_subjects()
        if subjects is None:
            subjects = sorted(gallery, key=int)
        for subject in subjects:
            if subject not in gallery:
                raise ValueError(
                    f'SCface subject {subject} (of {self.subject_file}) has '
                    f'no mugshot in {osp.join(self.data_root, self.gallery_prefix)}'  # noqa: E501
                )
        label = {s: i for i, s in enumerate(subjects)}
        data_list = [
            dict(
                img_path=gallery[s],
                gt_label=label[s],
                subject=s,
                role='gallery',
                distance=None,
                camera=None) for s in subjects
        ]
        for path in _images(osp.join(self.data_root, self.probe_prefix)):
            subject, camera, distance = parse_probe_name(path)
            subject = str(int(subject))
            if subject in label and distance in self.distances:
                data_list.append(
                    dict(
                        img_path=path,
                        gt_label=label[subject],
                        subject=subject,
                        role='probe',
                        distance=f'd{distance}',
                        camera=camera))
        self._metainfo['classes'] = tuple(subjects)
        return data_list
