import mmcv
import numpy as np
from mmcv.transforms import BaseTransform
from mmpretrain.registry import TRANSFORMS


@TRANSFORMS.register_module()
class DecodeImageFromBytes(BaseTransform):
    """Decode an encoded image held in the results (RecordIO, ``.bin``).

    The counterpart of ``LoadImageFromFile`` for datasets that store the
    encoded images themselves. Like it, the decoded image is BGR by default
    (the OpenMMLab convention; ``to_rgb=True`` in the data preprocessor then
    gives the RGB order that MXNet's ``imdecode`` gives).

    **Required Keys:**

    - img_bytes
    - img_source (optional, for error messages)

    **Modified Keys:**

    - img_bytes (removed)

    **Added Keys:**

    - img
    - img_shape
    - ori_shape

    Args:
        channel_order (str): ``'bgr'`` or ``'rgb'``. Defaults to ``'bgr'``.
        imdecode_backend (str): The ``mmcv.imfrombytes`` backend.
            Defaults to ``'cv2'``.
    """

    def __init__(self,
                 channel_order: str = 'bgr',
                 imdecode_backend: str = 'cv2'):
        self.channel_order = channel_order
        self.imdecode_backend = imdecode_backend

    def transform(self, results: dict) -> dict:
        data = results.pop('img_bytes')
        try:
            img = mmcv.imfrombytes(
                data,
                flag='color',
                channel_order=self.channel_order,
                backend=self.imdecode_backend)
        except Exception:  # cv2.error, PIL errors: reported below
            img = None
        if img is None:
            source = results.get('img_source', f'sample '
                                 f"{results.get('sample_idx')}")
            raise ValueError(f'{source}: cannot decode the image '
                             f'({len(data)} bytes); the data is corrupt or '
                             'not an image')
        results['img'] = np.ascontiguousarray(img)
        results['img_shape'] = img.shape[:2]
        results['ori_shape'] = img.shape[:2]
        return results

    def __repr__(self) -> str:
        return (f'{self.__class__.__name__}(channel_order='
                f"'{self.channel_order}', imdecode_backend="
                f"'{self.imdecode_backend}')")
