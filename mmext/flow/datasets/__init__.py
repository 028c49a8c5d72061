"""Flow datasets (one class per on-disk format), I/O and transforms."""
from .flow_io import read_flo, read_kitti_flow, write_flo, write_kitti_flow
from .flying_chairs import FlyingChairsDataset
from .kitti import KITTIFlowDataset, KITTIMultiViewDataset, KITTIRawDataset
from .sintel import SintelDataset, SintelRawDataset
from .transforms import *  # noqa: F401,F403

__all__ = [
    'FlyingChairsDataset', 'KITTIFlowDataset', 'KITTIMultiViewDataset',
    'KITTIRawDataset', 'SintelDataset', 'SintelRawDataset', 'read_flo',
    'read_kitti_flow', 'write_flo', 'write_kitti_flow'
]
