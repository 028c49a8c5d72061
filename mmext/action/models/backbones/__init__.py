"""Backbones of mmext.action."""
