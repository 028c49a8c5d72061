import copy
import os.path as osp
from typing import Dict, List, Optional, Sequence, Tuple, Union

import numpy as np
from mmengine.dataset import Compose
from mmpretrain.registry import DATASETS, TRANSFORMS
from torch.utils.data import Dataset

#: The branches, in the order of a batch: two ID-balanced single-image
#: branches, then the first and second images of the easy and hard pairs.
SINGLE_BRANCHES = ('easy', 'hard')
PAIR_BRANCHES = ('pair_easy', 'pair_hard')
BATCH_ORDER = ('easy', 'hard', 'pair_easy_0', 'pair_easy_1', 'pair_hard_0',
               'pair_hard_1')


def sample_keys(dataset) -> List[str]:
    """The key of every sample of a face dataset, as split files name it.

    A RecordIO dataset (:class:`FaceRecordIODataset`) is keyed by its record
    keys; any other dataset by the image path relative to its image folder
    (``data_prefix['img_path']``, else ``data_root``).

    Args:
        dataset: A face dataset of the stack.

    Returns:
        List[str]: One key per sample index.
    """
    if hasattr(dataset, 'full_init'):
        dataset.full_init()
    if hasattr(dataset, 'image_keys'):
        return [str(int(k)) for k in dataset.image_keys]
    prefix = getattr(dataset, 'data_prefix', {}).get('img_path') or \
        getattr(dataset, 'data_root', '') or ''
    keys = []
    for i in range(len(dataset)):
        path = dataset.get_data_info(i)['img_path']
        keys.append(osp.relpath(path, prefix) if prefix else path)
    return keys


def sample_labels(dataset) -> np.ndarray:
    """Identity label of every sample (from ``get_gt_labels``)."""
    return np.asarray(dataset.get_gt_labels(), dtype=np.int64)


@DATASETS.register_module()
class DDLBranchDataset(Dataset):
    """The four data branches of DDL over one face dataset.

    DDL trains on an *easy* and a *hard* ID-balanced single-image branch and
    on an *easy* and a *hard* positive-pair branch. Their membership comes
    from split files beside the data (a record key of ``train.rec``, or an
    image path relative to the image folder, per line; ``#`` starts a
    comment):

    - ``easy_file``, ``hard_file``: one sample per line;
    - ``pairs_easy_file``, ``pairs_hard_file``: two samples of one identity
      per line, separated by white space.

    ``tools/dataset_converters/ddl_split.py`` writes them. A hard pair is,
    by default (``hard_pair='hr_degraded'``), its first image through
    ``pipeline`` and its second through ``hard_pipeline`` (an HR and a
    degraded image of one identity); with ``hard_pair='both'`` both go
    through ``hard_pipeline``. A hard single image goes through
    ``hard_pipeline``. The hard branch may thus be the easy data degraded
    by :class:`RandomLowResolution` in ``hard_pipeline`` (resolution), or
    other images listed in ``hard_file`` with ``hard_pipeline`` left as
    ``pipeline`` (pose). Which of the two the paper uses for a hard pair is
    not released.

    The index space is the concatenation of the branches (a pair
    contributes two indices, its first and second image); sampling is
    :class:`DDLBatchSampler`'s job. Each sample's data sample carries the
    metainfo ``ddl_branch`` (one of :data:`BATCH_ORDER`), read by
    :class:`DDLRecognizer`.

    Args:
        dataset (dict | Dataset): The face dataset (e.g.
            ``FaceRecordIODataset``) with an empty pipeline; its own
            pipeline, if any, is not used.
        easy_file (str): Split file of the easy single-image branch.
        pairs_easy_file (str): Pair file of the easy pair branch.
        hard_file (str, optional): Split file of the hard branch; None for
            the easy list (then degraded by ``hard_pipeline``).
            Defaults to None.
        pairs_hard_file (str, optional): Pair file of the hard pairs; None
            for the easy pairs. Defaults to None.
        pipeline (Sequence[dict]): Pipeline of easy images.
        hard_pipeline (Sequence[dict], optional): Pipeline of hard images.
            Defaults to ``pipeline``.
        hard_pair (str): ``'hr_degraded'`` or ``'both'`` (see above).
            Defaults to ``'hr_degraded'``.
        data_root (str): Folder of relative split file names.
            Defaults to ''.

    Raises:
        FileNotFoundError: A split file is missing.
        ValueError: A line names a sample the dataset does not hold, a pair
            line does not hold two keys, or a pair's two images are of two
            identities (the message names the file and the line).
    """

    def __init__(self,
                 dataset: Union[dict, Dataset],
                 easy_file: str,
                 pairs_easy_file: str,
                 hard_file: Optional[str] = None,
                 pairs_hard_file: Optional[str] = None,
                 pipeline: Sequence[dict] = (),
                 hard_pipeline: Optional[Sequence[dict]] = None,
                 hard_pair: str = 'hr_degraded',
                 data_root: str = ''):
        if hard_pair not in ('hr_degraded', 'both'):
            raise ValueError(f"hard_pair must be 'hr_degraded' or 'both', "
                             f'got {hard_pair!r}')
        self.dataset = DATASETS.build(dataset) if isinstance(
            dataset, dict) else dataset
        self.data_root = data_root
        self.hard_pair = hard_pair
        self.pipeline = self._compose(pipeline)
        self.hard_pipeline = self._compose(
            pipeline if hard_pipeline is None else hard_pipeline)

        keys = sample_keys(self.dataset)
        self.key_to_index = {key: i for i, key in enumerate(keys)}
        if len(self.key_to_index) != len(keys):
            raise ValueError(f'{self.dataset.__class__.__name__}: two samples'
                             ' share one key; split files cannot name them')
        self.labels = sample_labels(self.dataset)
        self.source = getattr(self.dataset, 'rec_file', None) or \
            self.dataset.__class__.__name__

        self.files = dict(
            easy=self._path(easy_file),
            hard=self._path(hard_file or easy_file),
            pair_easy=self._path(pairs_easy_file),
            pair_hard=self._path(pairs_hard_file or pairs_easy_file))
        #: inner sample indices of each single-image branch, ``(N, )``
        self.singles: Dict[str, np.ndarray] = {
            name: self._read_singles(self.files[name])
            for name in SINGLE_BRANCHES
        }
        #: inner sample indices of each pair branch, ``(M, 2)``
        self.pairs: Dict[str, np.ndarray] = {
            name: self._read_pairs(self.files[name])
            for name in PAIR_BRANCHES
        }
        sizes = [len(self.singles[n]) for n in SINGLE_BRANCHES]
        sizes += [2 * len(self.pairs[n]) for n in PAIR_BRANCHES]
        self.offsets = dict(
            zip(SINGLE_BRANCHES + PAIR_BRANCHES,
                np.concatenate([[0], np.cumsum(sizes)[:-1]]).tolist()))
        self._len = int(sum(sizes))

    @staticmethod
    def _compose(pipeline: Sequence) -> Compose:
        # built in mmpretrain's registry whatever the default scope
        return Compose([
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in pipeline
        ])

    @property
    def metainfo(self) -> dict:
        """The meta information of the wrapped dataset."""
        return copy.deepcopy(getattr(self.dataset, 'metainfo', {}))

    def _path(self, name: str) -> str:
        return name if osp.isabs(name) or not self.data_root else osp.join(
            self.data_root, name)

    def _lines(self, path: str):
        if not osp.isfile(path):
            raise FileNotFoundError(f'DDL split file {path} does not exist')
        with open(path) as f:
            for lineno, line in enumerate(f, 1):
                line = line.split('#', 1)[0].strip()
                if line:
                    yield lineno, line.split()

    def _index(self, path: str, lineno: int, key: str) -> int:
        index = self.key_to_index.get(key)
        if index is None:
            raise ValueError(f'{path} line {lineno}: {key!r} is not a sample '
                             f'of {self.source} ({len(self.key_to_index)} '
                             'samples)')
        return index

    def _read_singles(self, path: str) -> np.ndarray:
        indices = []
        for lineno, fields in self._lines(path):
            if len(fields) != 1:
                raise ValueError(f'{path} line {lineno}: expected one key, '
                                 f'got {len(fields)}: {" ".join(fields)!r}')
            indices.append(self._index(path, lineno, fields[0]))
        if not indices:
            raise ValueError(f'DDL split file {path} lists no sample')
        return np.asarray(indices, dtype=np.int64)

    def _read_pairs(self, path: str) -> np.ndarray:
        pairs = []
        for lineno, fields in self._lines(path):
            if len(fields) != 2:
                raise ValueError(f'{path} line {lineno}: expected two keys '
                                 f'(a positive pair), got {len(fields)}: '
                                 f'{" ".join(fields)!r}')
            first, second = (self._index(path, lineno, k) for k in fields)
            if self.labels[first] != self.labels[second]:
                raise ValueError(
                    f'{path} line {lineno}: {fields[0]!r} (identity '
                    f'{self.labels[first]}) and {fields[1]!r} (identity '
                    f'{self.labels[second]}) are not a positive pair')
            pairs.append((first, second))
        if not pairs:
            raise ValueError(f'DDL pair file {path} lists no pair')
        return np.asarray(pairs, dtype=np.int64)

    def branch_labels(self, name: str) -> np.ndarray:
        """Identity labels of the samples of a single-image branch."""
        return self.labels[self.singles[name]]

    def encode(self, branch: str, local: Union[int, np.ndarray],
               position: int = 0) -> np.ndarray:
        """Dataset indices of the ``local``-th items of a branch.

        Args:
            branch (str): A name of :data:`SINGLE_BRANCHES` or
                :data:`PAIR_BRANCHES`.
            local (int | np.ndarray): Item indices within the branch.
            position (int): For pairs, 0 (first image) or 1 (second).

        Returns:
            np.ndarray: Indices of this dataset.
        """
        local = np.asarray(local, dtype=np.int64)
        if branch in PAIR_BRANCHES:
            return self.offsets[branch] + 2 * local + position
        return self.offsets[branch] + local

    def decode(self, idx: int) -> Tuple[str, int, bool]:
        """Branch name of :data:`BATCH_ORDER`, inner index, and whether the
        image goes through ``hard_pipeline``."""
        if not 0 <= idx < self._len:
            raise IndexError(f'index {idx} out of range for a DDL dataset of '
                             f'{self._len}')
        for name in reversed(SINGLE_BRANCHES + PAIR_BRANCHES):
            if idx >= self.offsets[name]:
                local = idx - self.offsets[name]
                break
        if name in SINGLE_BRANCHES:
            return name, int(self.singles[name][local]), name == 'hard'
        item, position = divmod(local, 2)
        hard = name == 'pair_hard' and (position == 1
                                        or self.hard_pair == 'both')
        return (f'{name}_{position}', int(self.pairs[name][item, position]),
                hard)

    def __len__(self) -> int:
        return self._len

    def __getitem__(self, idx: int) -> dict:
        branch, inner, hard = self.decode(int(idx))
        info = copy.deepcopy(self.dataset.get_data_info(inner))
        info['ddl_branch'] = branch
        results = (self.hard_pipeline if hard else self.pipeline)(info)
        if results is None:
            raise ValueError(f'the DDL pipeline dropped sample {inner} of '
                             f'{self.source}')
        if 'data_samples' in results:
            results['data_samples'].set_metainfo(dict(ddl_branch=branch))
        return results
