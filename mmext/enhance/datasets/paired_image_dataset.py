"""Paired low-light / normal-light image folders (LOL-v1, LOL-v2, SID)."""
import os
import os.path as osp
import re
from typing import Dict, List, Optional

from mmengine.dataset import BaseDataset

from mmext.registry import DATASETS, TRANSFORMS

IMG_EXTENSIONS = ('.png', '.jpg', '.jpeg', '.bmp', '.tif', '.tiff')

#: ``layout`` -> split -> (input folder, target folder), relative to
#: ``data_root``, plus the file-name rule of the layout
LAYOUTS: Dict[str, dict] = {
    # LOL-v1 as released (Wei et al. 2018): 485 training, 15 test pairs
    'lol_v1':
    dict(
        train=('our485/low', 'our485/high'),
        test=('eval15/low', 'eval15/high'),
        filename_tmpl=dict(img='{}', gt='{}')),
    # LOL-v1 as Retinexformer redistributes it (LOLv1/{Train,Test}/...)
    'lol_v1_retinexformer':
    dict(
        train=('Train/input', 'Train/target'),
        test=('Test/input', 'Test/target'),
        filename_tmpl=dict(img='{}', gt='{}')),
    # LOL-v2 real (689 / 100) and synthetic (900 / 100): low00001.png <->
    # normal00001.png
    'lol_v2':
    dict(
        train=('Train/Low', 'Train/Normal'),
        test=('Test/Low', 'Test/Normal'),
        filename_tmpl=dict(img='low{}', gt='normal{}')),
    # SID-Sony in sRGB (ours, unverified against a release): short-
    # exposure frames 00001_00_0.1s.png paired by scene id (the first
    # five digits) with the one long exposure 00001_00_10s.png; several
    # inputs share a target
    'sid_srgb':
    dict(
        train=('train/short', 'train/long'),
        test=('test/short', 'test/long'),
        key_regex=r'^(\d{5})_'),
}


@DATASETS.register_module()
class PairedImageDataset(BaseDataset):
    """Low-light inputs and their ground truth, paired by file name.

    Every sample is ``dict(img_path=..., gt_path=...)``; the pipeline
    (``LoadPairedImages`` first) reads them.  The pairing:

    - ``filename_tmpl`` (mmagic's ``BasicImageDataset`` convention): a
      file ``img.format(key) + ext`` of the input folder pairs with
      ``gt.format(key) + ext`` of the target folder (e.g. LOL-v2's
      ``low{}`` / ``normal{}``); files not matching ``img`` are ignored;
    - ``key_regex``: the first group of the regex on the file stem is the
      key on both sides (e.g. SID's scene id), the target's unique.

    An input without its target is an error naming both paths.  Size
    mismatches and non-RGB files are found by ``LoadPairedImages``.

    Args:
        data_root (str): dataset root.
        layout (str, optional): a key of :data:`LAYOUTS` ('lol_v1',
            'lol_v1_retinexformer', 'lol_v2', 'sid_srgb'); sets the
            folders of ``split`` and the name rule.
        split (str): 'train' or 'test', with ``layout``. Default 'train'.
        data_prefix (dict, optional): ``dict(img=<input folder>,
            gt=<target folder>)`` relative to ``data_root``; overrides the
            layout's.
        filename_tmpl (dict, optional): ``dict(img='{}', gt='{}')``.
        key_regex (str, optional): see above; exclusive with
            ``filename_tmpl``.
        **kwargs: :class:`mmengine.dataset.BaseDataset` arguments
            (``pipeline``, ``test_mode``, ``indices``, ...).
    """

    METAINFO = dict(dataset_type='paired_image', task_name='low-light '
                    'enhancement')

    def __init__(self,
                 data_root: str,
                 layout: Optional[str] = None,
                 split: str = 'train',
                 data_prefix: Optional[dict] = None,
                 filename_tmpl: Optional[dict] = None,
                 key_regex: Optional[str] = None,
                 **kwargs) -> None:
        rule = {}
        if layout is not None:
            if layout not in LAYOUTS:
                raise KeyError(f'PairedImageDataset: unknown layout '
                               f'{layout!r}; known: {sorted(LAYOUTS)}')
            if split not in ('train', 'test'):
                raise ValueError(f'PairedImageDataset: split {split!r}, '
                                 "expected 'train' or 'test'")
            rule = dict(LAYOUTS[layout])
            img, gt = rule.pop(split)
            rule.pop('train' if split == 'test' else 'test')
            data_prefix = data_prefix or dict(img=img, gt=gt)
        if not data_prefix or set(data_prefix) != {'img', 'gt'}:
            raise ValueError('PairedImageDataset: give a layout or '
                             f'data_prefix=dict(img=..., gt=...), got '
                             f'{data_prefix}')
        if filename_tmpl is not None or key_regex is not None:
            rule = dict(filename_tmpl=filename_tmpl, key_regex=key_regex)
        self.filename_tmpl = rule.get('filename_tmpl') or (
            None if rule.get('key_regex') else dict(img='{}', gt='{}'))
        self.key_regex = rule.get('key_regex')
        if self.filename_tmpl is not None and self.key_regex is not None:
            raise ValueError('PairedImageDataset: filename_tmpl and '
                             'key_regex are exclusive')
        self.layout, self.split = layout, split
        kwargs.setdefault('serialize_data', False)
        # built in mmext's scope, so the dataset also works outside a runner
        kwargs['pipeline'] = [
            TRANSFORMS.build(t) if isinstance(t, dict) else t
            for t in kwargs.get('pipeline', [])
        ]
        super().__init__(
            ann_file='', data_root=data_root, data_prefix=data_prefix,
            **kwargs)

    @staticmethod
    def _images(folder: str) -> List[str]:
        if not osp.isdir(folder):
            raise FileNotFoundError(f'PairedImageDataset: folder {folder} '
                                    'does not exist')
        return sorted(f for f in os.listdir(folder)
                      if f.lower().endswith(IMG_EXTENSIONS))

    def _pairs_by_template(self, img_dir: str, gt_dir: str) -> List[dict]:
        tmpl = self.filename_tmpl
        pattern = re.compile('^' + re.escape(tmpl['img']).replace(
            re.escape('{}'), '(.+)') + '$')
        pairs = []
        for name in self._images(img_dir):
            stem, ext = osp.splitext(name)
            match = pattern.match(stem)
            if match is None:
                continue
            gt_path = osp.join(gt_dir, tmpl['gt'].format(match.group(1)) + ext)
            img_path = osp.join(img_dir, name)
            if not osp.isfile(gt_path):
                raise FileNotFoundError(
                    f'PairedImageDataset: input {img_path} has no target: '
                    f'{gt_path} does not exist')
            pairs.append(dict(img_path=img_path, gt_path=gt_path))
        return pairs

    def _pairs_by_key(self, img_dir: str, gt_dir: str) -> List[dict]:
        pattern = re.compile(self.key_regex)

        def key(name: str) -> Optional[str]:
            match = pattern.search(osp.splitext(name)[0])
            return match.group(1) if match else None

        targets = {}
        for name in self._images(gt_dir):
            k = key(name)
            if k is None:
                continue
            if k in targets:
                raise ValueError(f'PairedImageDataset: targets {targets[k]} '
                                 f'and {osp.join(gt_dir, name)} share the '
                                 f'key {k!r}')
            targets[k] = osp.join(gt_dir, name)
        pairs = []
        for name in self._images(img_dir):
            k = key(name)
            if k is None:
                continue
            img_path = osp.join(img_dir, name)
            if k not in targets:
                raise FileNotFoundError(
                    f'PairedImageDataset: input {img_path} has no target: '
                    f'no file of {gt_dir} has the key {k!r} '
                    f'({self.key_regex})')
            pairs.append(dict(img_path=img_path, gt_path=targets[k]))
        return pairs

    def load_data_list(self) -> List[dict]:
        """Scan the input folder and pair every image with its target."""
        img_dir, gt_dir = self.data_prefix['img'], self.data_prefix['gt']
        if self.key_regex is not None:
            pairs = self._pairs_by_key(img_dir, gt_dir)
        else:
            pairs = self._pairs_by_template(img_dir, gt_dir)
        if not pairs:
            raise FileNotFoundError(f'PairedImageDataset: no input image in '
                                    f'{img_dir} (targets: {gt_dir})')
        return pairs
