"""Datasets (one class per on-disk format) and data transforms."""
from . import transforms  # noqa: F401
from .fddb_dataset import FDDBDataset
from .wider_face_txt_dataset import WIDERFaceTxtDataset

__all__ = ['FDDBDataset', 'WIDERFaceTxtDataset']
