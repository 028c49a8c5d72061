"""Datasets (one class per on-disk format) and data transforms."""
from .lsp_dataset import LspDataset
from .transforms import ParsingBasedDataAugmentation

__all__ = ['LspDataset', 'ParsingBasedDataAugmentation']
