"""Data transforms."""
from .parsing_based_data_augmentation import ParsingBasedDataAugmentation

__all__ = ['ParsingBasedDataAugmentation']
