"""Data preprocessors of the enhancement models."""
from .enhance_data_preprocessor import EnhanceDataPreprocessor

__all__ = ['EnhanceDataPreprocessor']
