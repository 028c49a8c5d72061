"""Data preprocessors."""
from .flow_data_preprocessor import FlowDataPreprocessor

__all__ = ['FlowDataPreprocessor']
