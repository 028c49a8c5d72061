"""Datasets (one class per on-disk format) and data transforms."""
from .ddl_batch_sampler import DDLBatchSampler
from .ddl_branch_dataset import DDLBranchDataset
from .face_folder_dataset import FaceFolderDataset
from .face_recordio_dataset import FaceRecordIODataset
from .ijb_dataset import IJBDataset
from .recordio import (IRHeader, RecordIOError, RecordIOReader, RecordIOWriter,
                       pack, unpack, write_face_recordio)
from .scface_dataset import SCfaceDataset
from .survface_dataset import (SurvFaceIdentificationDataset,
                               SurvFaceVerificationDataset)
from .transforms import *  # noqa: F401,F403
from .verification_bin import dump_bin, load_bin
from .verification_bin_dataset import VerificationBinDataset

__all__ = [
    'DDLBatchSampler', 'DDLBranchDataset', 'FaceFolderDataset',
    'FaceRecordIODataset', 'IJBDataset', 'SCfaceDataset',
    'SurvFaceIdentificationDataset', 'SurvFaceVerificationDataset',
    'VerificationBinDataset', 'IRHeader', 'RecordIOError', 'RecordIOReader',
    'RecordIOWriter', 'pack', 'unpack', 'write_face_recordio', 'load_bin',
    'dump_bin'
]
