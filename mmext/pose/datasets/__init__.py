"""Datasets (one class per on-disk format) and data transforms."""
from .lsp_dataset import LspDataset
from .mpii_json_dataset import MpiiJsonDataset
from .transforms import ParsingBasedDataAugmentation

__all__ = ['LspDataset', 'MpiiJsonDataset', 'ParsingBasedDataAugmentation']
