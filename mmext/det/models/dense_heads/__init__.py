"""Dense heads: ASFD's anchor head."""
from .asfd_head import ASFDHead

__all__ = ['ASFDHead']
