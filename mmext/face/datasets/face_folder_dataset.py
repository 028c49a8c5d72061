import os.path as osp
from typing import List, Optional, Sequence, Tuple, Union

from mmengine.fileio import list_from_file
from mmpretrain.datasets import CustomDataset
from mmpretrain.datasets.custom import find_folders, get_samples
from mmpretrain.registry import DATASETS


@DATASETS.register_module()
class FaceFolderDataset(CustomDataset):
    """Face training set stored as one folder per identity.

    ::

        data_prefix/
        ├── m.0107_f/        # one folder per identity
        │   ├── 0001.jpg
        │   └── ...
        └── ...

    Labels are the positions of the identities in ``identities`` (a list or
    a text file with one folder name per line, e.g. the ``identities.txt``
    that the RecordIO converter writes), or, if not given, of the folders in
    sorted order (the order the converter uses). Unlike ``CustomDataset``,
    inconsistent data is an error, not a warning: every listed identity must
    have a folder with at least one image.

    Args:
        data_root (str): The root directory. Defaults to ''.
        data_prefix (str | dict): The folder holding the identity folders,
            relative to ``data_root``. Defaults to ''.
        identities (str | Sequence[str], optional): The identity folders in
            label order, or a file listing them. Defaults to None.
        extensions (Sequence[str]): Image file extensions.
            Defaults to ``('.jpg', '.jpeg', '.png', '.bmp')``.
        **kwargs: Other arguments of :class:`mmpretrain.datasets.
            CustomDataset` (``pipeline``, ``test_mode``, ...).

    Raises:
        FileNotFoundError: If the image folder or a listed identity folder is
            missing.
        ValueError: If an identity folder holds no image, or a folder is not
            in ``identities``.
    """

    def __init__(self,
                 data_root: str = '',
                 data_prefix: Union[str, dict] = '',
                 identities: Optional[Union[str, Sequence[str]]] = None,
                 extensions: Sequence[str] = ('.jpg', '.jpeg', '.png', '.bmp'),
                 **kwargs):
        self.identities = identities
        super().__init__(
            data_root=data_root,
            data_prefix=data_prefix,
            extensions=extensions,
            **kwargs)

    def _identity_list(self, folders: List[str]) -> List[str]:
        if self.identities is None:
            return folders
        if isinstance(self.identities, str):
            identity_file = self.identities
            if not osp.isabs(identity_file):
                identity_file = osp.join(self.data_root, identity_file)
            identities = [
                line.strip() for line in list_from_file(identity_file)
                if line.strip()
            ]
        else:
            identities = list(self.identities)
        missing = [name for name in identities if name not in set(folders)]
        if missing:
            raise FileNotFoundError(
                f'identity folder {osp.join(self.img_prefix, missing[0])} '
                f'does not exist ({len(missing)} of {len(identities)} listed '
                f'identities are missing)')
        extra = sorted(set(folders) - set(identities))
        if extra:
            raise ValueError(
                f'{osp.join(self.img_prefix, extra[0])} is not a listed '
                f'identity ({len(extra)} folders are not in the identity '
                'list)')
        return identities

    def _find_samples(self) -> List[Tuple[str, int]]:
        """Find the images of every identity folder."""
        if not osp.isdir(self.img_prefix):
            raise FileNotFoundError(
                f'face image folder {self.img_prefix} does not exist')
        folders, _ = find_folders(self.img_prefix)
        identities = self._identity_list(folders)
        folder_to_idx = {name: i for i, name in enumerate(identities)}
        samples, empty = get_samples(
            self.img_prefix, folder_to_idx, is_valid_file=self.is_valid_file)
        if empty:
            first = sorted(empty, key=folder_to_idx.get)[0]
            raise ValueError(
                f'identity folder {osp.join(self.img_prefix, first)} holds no '
                f'image with an extension in {self.extensions} '
                f'({len(empty)} empty identity folders)')
        self.folder_to_idx = folder_to_idx
        self._metainfo['classes'] = tuple(identities)
        samples.sort(key=lambda sample: (sample[1], sample[0]))
        return samples
