"""Datasets (one class per on-disk format) and data transforms."""
from .wider_face_txt_dataset import WIDERFaceTxtDataset

__all__ = ['WIDERFaceTxtDataset']
