import os.path as osp
from typing import List, Optional, Sequence, Union

from mmpretrain.datasets import BaseDataset
from mmpretrain.registry import DATASETS

from .verification_bin import load_bin


@DATASETS.register_module()
class VerificationBinDataset(BaseDataset):
    """Pair verification sets in insightface's ``.bin`` format.

    LFW, CFP-FP, CFP-FF, AgeDB-30, CALFW, CPLFW, VGG2-FP, ... are distributed
    as ``.bin`` files (see :mod:`mmext.face.datasets.verification_bin`).
    Several sets can be evaluated in one run: each image sample carries the
    name of its set (the file name without extension, e.g. ``'lfw'``), the
    index of its pair, its position in the pair (0 or 1) and the pair label,
    which :class:`FaceVerificationMetric` uses to report every set
    separately.

    Each sample is ``img_bytes`` (decode with ``DecodeImageFromBytes``),
    ``img_source``, ``set_name``, ``pair_index``, ``pair_pos`` and
    ``issame``; pack the last four with ``PackInputs(meta_keys=...)``.

    Args:
        data_root (str): The folder holding the ``.bin`` files.
            Defaults to ''.
        bin_files (str | Sequence[str]): The ``.bin`` file(s), relative to
            ``data_root``. Defaults to ``'lfw.bin'``.
        pipeline (Sequence): The data pipeline. Defaults to ().
        test_mode (bool): Defaults to True.
        lazy_init (bool): Whether to defer loading. Defaults to False.
        metainfo (dict, optional): Meta information. Defaults to None.

    Raises:
        FileNotFoundError: If a ``.bin`` file is missing.
        ValueError: If a file is malformed or its image count is not twice
            its pair count (the message names the file).
    """

    def __init__(self,
                 data_root: str = '',
                 bin_files: Union[str, Sequence[str]] = 'lfw.bin',
                 pipeline: Sequence = (),
                 test_mode: bool = True,
                 lazy_init: bool = False,
                 metainfo: Optional[dict] = None):
        self.bin_files = [bin_files] if isinstance(bin_files, str) else \
            list(bin_files)
        super().__init__(
            ann_file='',
            metainfo=metainfo,
            data_root=data_root,
            pipeline=pipeline,
            test_mode=test_mode,
            lazy_init=lazy_init)

    @staticmethod
    def set_name(bin_file: str) -> str:
        """The name a ``.bin`` file is reported under (its stem)."""
        return osp.splitext(osp.basename(bin_file))[0]

    def load_data_list(self) -> List[dict]:
        """Load every image of every ``.bin`` file."""
        data_list = []
        names = [self.set_name(f) for f in self.bin_files]
        if len(set(names)) != len(names):
            raise ValueError(f'bin_files {self.bin_files} have duplicate '
                             'names; sets are reported by file name')
        for bin_file, name in zip(self.bin_files, names):
            path = bin_file if osp.isabs(bin_file) else osp.join(
                self.data_root, bin_file)
            if not osp.isfile(path):
                raise FileNotFoundError(f'verification set not found: {path}')
            images, issame = load_bin(path)
            for i, image in enumerate(images):
                data_list.append(
                    dict(
                        img_bytes=image,
                        img_source=f'{path} image {i}',
                        set_name=name,
                        pair_index=i // 2,
                        pair_pos=i % 2,
                        issame=bool(issame[i // 2])))
        return data_list

    def extra_repr(self) -> List[str]:
        """Extra lines of ``repr``."""
        return [f'Verification sets: \t{self.bin_files}']
