"""QMUL-SurvFace test sets (Cheng, Zhu and Gong, "Surveillance Face
Recognition Challenge", 2018), on which FAN (Yin et al., ACCV 2020)
reports.

The release (``QMUL-SurvFace/``) holds, besides ``training_set/``:

.. code-block:: none

    Face_Verification_Test_Set/
      positive_pairs_names.mat     positive_pairs_names: 5320 x 2 cell
      negative_pairs_names.mat     negative_pairs_names: 5320 x 2 cell
      verification_images/         the images the pairs name
    Face_Identification_Test_Set/
      gallery_img_ID_pairs.mat     gallery_set (names), gallery_ids
      mated_probe_img_ID_pairs.mat mated_probe_set, mated_probe_ids
      gallery/  mated_probe/  unmated_probe/

The cells hold image file names (no folder). The unmated probes come with no
list: they are every image of ``unmated_probe/`` (their identities are not
released).
"""
import os
import os.path as osp
from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS
from scipy.io import loadmat
from scipy.io.matlab import MatReadError

IMG_EXTENSIONS = ('.jpg', '.jpeg', '.png', '.bmp')


def load_mat_variable(path: str, key: str) -> np.ndarray:
    """One variable of a MATLAB ``.mat`` file (``scipy.io.loadmat``).

    Args:
        path (str): The ``.mat`` file.
        key (str): The variable name.

    Returns:
        np.ndarray: The variable as ``loadmat`` returns it (a cell array is
        an object array of the cells).

    Raises:
        FileNotFoundError: If the file is missing.
        ValueError: If it is not a ``.mat`` file ``loadmat`` reads or lacks
            the variable (the message names the file and the key).
    """
    if not osp.isfile(path):
        raise FileNotFoundError(f'SurvFace protocol file {path} does not '
                                'exist')
    try:
        content = loadmat(path)
    except (MatReadError, ValueError, TypeError, NotImplementedError) as err:
        raise ValueError(f'{path}: not a MATLAB .mat file scipy.io.loadmat '
                         f'reads: {err}') from err
    if key not in content:
        variables = sorted(k for k in content if not k.startswith('__'))
        raise ValueError(f'{path}: no variable {key!r} (it holds '
                         f'{variables})')
    return content[key]


def cell_names(cells: np.ndarray, path: str, key: str) -> np.ndarray:
    """The file names of a cell array of strings, in its shape.

    Args:
        cells (np.ndarray): A cell array from ``loadmat`` (object array
            whose cells are character arrays holding one string).
        path (str): The ``.mat`` file, for the messages.
        key (str): The variable, for the messages.

    Returns:
        np.ndarray: The names, ``str`` array of ``cells.shape``.

    Raises:
        ValueError: If ``cells`` is not a cell array of non-empty strings
            (the message names the file, the key and the first bad cell).
    """
    if cells.dtype != object:
        raise ValueError(f'{path}: {key} is a {cells.dtype} array, expected '
                         'a cell array of image names')
    names = np.empty(cells.shape, dtype=object)
    for index, cell in np.ndenumerate(cells):
        if not (isinstance(cell, np.ndarray) and cell.size == 1
                and cell.dtype.kind in 'US' and str(cell.item())):
            raise ValueError(f'{path}: {key} cell {_matlab_index(index)} is '
                             f'not an image name: {cell!r}')
        names[index] = str(cell.item())
    return names.astype(str)


def _matlab_index(index: Tuple[int, ...]) -> str:
    """A numpy index as MATLAB writes it (1-based), e.g. ``(3, 2)``."""
    return '(' + ', '.join(str(i + 1) for i in index) + ')'


def check_images_exist(names: np.ndarray, folder: str, path: str,
                       key: str) -> None:
    """Require every name of ``names`` to be a file of ``folder``.

    Args:
        names (np.ndarray): File names, any shape.
        folder (str): The image folder.
        path (str): The ``.mat`` file the names come from.
        key (str): Its variable.

    Raises:
        FileNotFoundError: If the folder is missing.
        ValueError: If a name is not in the folder (the message names the
            ``.mat`` file, the key, the 1-based row and the image).
    """
    if not osp.isdir(folder):
        raise FileNotFoundError(f'SurvFace image folder {folder} does not '
                                'exist')
    missing = ~np.isin(names, os.listdir(folder))
    if missing.any():
        index = tuple(np.argwhere(missing)[0])
        raise ValueError(
            f'{path}: {key} row {index[0] + 1} names {names[index]}, which '
            f'is not in {folder} ({int(missing.sum())} of the '
            f'{names.size} names are missing)')


@DATASETS.register_module()
class SurvFaceVerificationDataset(BaseDataset):
    """QMUL-SurvFace 1:1 verification pairs.

    Reads ``<data_root>/<test_prefix>/positive_pairs_names.mat`` (variable
    ``positive_pairs_names``) and ``negative_pairs_names.mat``
    (``negative_pairs_names``), each an ``N x 2`` cell array of file names
    in ``verification_images/`` (5320 pairs each in the release).

    Samples are laid out as :class:`VerificationBinDataset`'s, one per
    image of each pair: ``img_path`` (load with ``LoadImageFromFile``),
    ``set_name``, ``pair_index``, ``pair_pos`` (0 or 1) and ``issame``;
    pack the last four with ``PackInputs(meta_keys=...)`` for
    :class:`SurvFaceVerificationMetric` (or
    :class:`FaceVerificationMetric`). Positive and negative pairs
    alternate, each in file order: pair ``2i`` is the i-th positive pair
    and ``2i + 1`` the i-th negative one (the longer list's surplus, if
    any, comes last), so that the contiguous cross-validation folds of
    :class:`FaceVerificationMetric` each hold both kinds.

    Args:
        data_root (str): The ``QMUL-SurvFace`` folder.
        test_prefix (str): The verification folder, relative to
            ``data_root``. Defaults to ``'Face_Verification_Test_Set'``.
        set_name (str): The name the set is reported under.
            Defaults to ``'survface'``.
        pipeline (Sequence): The data pipeline. Defaults to ().
        test_mode (bool): Defaults to True.
        lazy_init (bool): Whether to defer loading. Defaults to False.
        metainfo (dict, optional): Meta information. Defaults to None.

    Raises:
        FileNotFoundError: If a ``.mat`` file or the image folder is
            missing.
        ValueError: If a ``.mat`` file lacks its variable, the variable is
            not an ``N x 2`` cell array of names, or a pair names an image
            that is not in ``verification_images/`` (the messages name the
            ``.mat`` file, the key and, for images, the row).
    """

    PAIR_FILES = (('positive_pairs_names.mat', 'positive_pairs_names', True),
                  ('negative_pairs_names.mat', 'negative_pairs_names', False))
    IMG_PREFIX = 'verification_images'

    def __init__(self,
                 data_root: str,
                 test_prefix: str = 'Face_Verification_Test_Set',
                 set_name: str = 'survface',
                 pipeline: Sequence = (),
                 test_mode: bool = True,
                 lazy_init: bool = False,
                 metainfo: Optional[dict] = None):
        self.test_prefix = test_prefix
        self.set_name = set_name
        super().__init__(
            ann_file='',
            metainfo=metainfo,
            data_root=data_root,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init)

    def load_pairs(self, mat_file: str, key: str) -> np.ndarray:
        """The pairs of one ``.mat`` file, checked against the images.

        Returns:
            np.ndarray: The file names, ``(N, 2)``.
        """
        folder = osp.join(self.data_root, self.test_prefix)
        path = osp.join(folder, mat_file)
        cells = load_mat_variable(path, key)
        if cells.ndim != 2 or cells.shape[1] != 2:
            raise ValueError(f'{path}: {key} has shape {cells.shape}, '
                             'expected an N x 2 cell array of image names')
        names = cell_names(cells, path, key)
        check_images_exist(names, osp.join(folder, self.IMG_PREFIX), path, key)
        return names

    def load_data_list(self) -> List[dict]:
        """Two samples per pair, positive and negative pairs alternating."""
        img_dir = osp.join(self.data_root, self.test_prefix, self.IMG_PREFIX)
        pairs = [self.load_pairs(f, key) for f, key, _ in self.PAIR_FILES]
        issame = np.concatenate([
            np.full(len(names), same)
            for names, (_, _, same) in zip(pairs, self.PAIR_FILES)
        ])
        # the i-th positive pair, then the i-th negative one
        order = np.argsort(
            np.concatenate([np.arange(len(names)) for names in pairs]),
            kind='stable')
        pairs = np.concatenate(pairs)[order]
        issame = issame[order]
        return [
            dict(
                img_path=osp.join(img_dir, name),
                set_name=self.set_name,
                pair_index=i,
                pair_pos=pos,
                issame=bool(issame[i])) for i, pair in enumerate(pairs)
            for pos, name in enumerate(pair)
        ]

    def extra_repr(self) -> List[str]:
        """Extra lines of ``repr``."""
        return [f'Verification set: \t{self.set_name}']


@DATASETS.register_module()
class SurvFaceIdentificationDataset(BaseDataset):
    """QMUL-SurvFace open-set 1:N identification: gallery and probes.

    Reads, in ``<data_root>/<test_prefix>/``:

    - ``gallery_img_ID_pairs.mat``: ``gallery_set`` (cell vector of file
      names in ``gallery/``) and ``gallery_ids`` (their identity labels).
    - ``mated_probe_img_ID_pairs.mat``: ``mated_probe_set`` (names in
      ``mated_probe/``) and ``mated_probe_ids``.
    - ``unmated_probe/``: every image in it (sorted by name), the probes of
      people outside the gallery; the release lists them in no file.

    Each sample has ``img_path``, ``role`` (``'gallery'``,
    ``'mated_probe'`` or ``'unmated_probe'``) and ``subject`` (the identity
    label, an int; -1 for unmated probes); pack ``role`` and ``subject``
    with ``PackInputs(meta_keys=...)`` for
    :class:`SurvFaceIdentificationMetric`. Gallery samples come first, then
    the mated and the unmated probes, each in file order.

    Args:
        data_root (str): The ``QMUL-SurvFace`` folder.
        test_prefix (str): The identification folder, relative to
            ``data_root``. Defaults to ``'Face_Identification_Test_Set'``.
        pipeline (Sequence): The data pipeline. Defaults to ().
        test_mode (bool): Defaults to True.
        lazy_init (bool): Whether to defer loading. Defaults to False.
        metainfo (dict, optional): Meta information. Defaults to None.

    Raises:
        FileNotFoundError: If a ``.mat`` file or an image folder is missing.
        ValueError: If a ``.mat`` file lacks a variable, the names or the
            labels are not vectors of one length, a label is not a
            non-negative integer, a listed image is missing, a mated
            probe's identity has no gallery image, or ``unmated_probe/``
            holds no image (the messages name the ``.mat`` file and key).
    """

    UNMATED_SUBJECT = -1
    #: The roles listed in ``<role>_img_ID_pairs.mat``, whose variables are
    #: ``<role>_set`` (names) and ``<role>_ids`` (labels).
    LISTED_ROLES = ('gallery', 'mated_probe')

    def __init__(self,
                 data_root: str,
                 test_prefix: str = 'Face_Identification_Test_Set',
                 pipeline: Sequence = (),
                 test_mode: bool = True,
                 lazy_init: bool = False,
                 metainfo: Optional[dict] = None):
        self.test_prefix = test_prefix
        super().__init__(
            ann_file='',
            metainfo=metainfo,
            data_root=data_root,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init)

    def load_list(self, role: str) -> Tuple[np.ndarray, np.ndarray, str]:
        """The names and labels of ``<role>_img_ID_pairs.mat``, checked.

        Args:
            role (str): ``'gallery'`` or ``'mated_probe'``.

        Returns:
            tuple[np.ndarray, np.ndarray, str]: The file names ``(N, )``,
            the labels ``(N, )`` (int64) and the ``.mat`` path.
        """
        names_key, ids_key = f'{role}_set', f'{role}_ids'
        folder = osp.join(self.data_root, self.test_prefix)
        path = osp.join(folder, f'{role}_img_ID_pairs.mat')
        cells = load_mat_variable(path, names_key)
        ids = load_mat_variable(path, ids_key)
        for key, value in ((names_key, cells), (ids_key, ids)):
            if value.ndim > 2 or value.size != max(value.shape, default=0):
                raise ValueError(f'{path}: {key} has shape {value.shape}, '
                                 'expected a non-empty N x 1 or 1 x N '
                                 'vector')
        if cells.size != ids.size:
            raise ValueError(f'{path}: {names_key} has {cells.size} names '
                             f'but {ids_key} {ids.size} labels')
        names = cell_names(cells.reshape(-1), path, names_key)
        labels = ids.reshape(-1)
        if labels.dtype.kind not in 'iuf' or not np.all(
                np.isfinite(labels) & (labels >= 0) & (labels % 1 == 0)):
            raise ValueError(f'{path}: {ids_key} must hold non-negative '
                             'integer identity labels')
        check_images_exist(names, osp.join(folder, role), path, names_key)
        return names, labels.astype(np.int64), path

    def load_data_list(self) -> List[dict]:
        """Gallery, mated probes, unmated probes."""
        folder = osp.join(self.data_root, self.test_prefix)
        lists = {role: self.load_list(role) for role in self.LISTED_ROLES}
        _, gallery_ids, gallery_path = lists['gallery']
        _, mated_ids, mated_path = lists['mated_probe']
        unenrolled = ~np.isin(mated_ids, gallery_ids)
        if unenrolled.any():
            row = int(np.argmax(unenrolled))
            raise ValueError(
                f'{mated_path}: mated_probe_ids row {row + 1} is identity '
                f'{mated_ids[row]}, which has no image in {gallery_path}')
        data_list = []
        for role, (names, labels, _) in lists.items():
            data_list.extend(
                dict(
                    img_path=osp.join(folder, role, name),
                    role=role,
                    subject=int(label)) for name, label in zip(names, labels))
        unmated_dir = osp.join(folder, 'unmated_probe')
        if not osp.isdir(unmated_dir):
            raise FileNotFoundError(f'SurvFace image folder {unmated_dir} '
                                    'does not exist')
        unmated = sorted(
            name for name in os.listdir(unmated_dir)
            if name.lower().endswith(IMG_EXTENSIONS))
        if not unmated:
            raise ValueError(f'{unmated_dir} holds no image')
        data_list.extend(
            dict(
                img_path=osp.join(unmated_dir, name),
                role='unmated_probe',
                subject=self.UNMATED_SUBJECT) for name in unmated)
        return data_list
