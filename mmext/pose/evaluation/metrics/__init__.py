"""Pose metrics not in mmpose."""
from .lsp_pck_accuracy import LspPCKAccuracy

__all__ = ['LspPCKAccuracy']
