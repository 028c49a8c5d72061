"""Transforms of mmext.action."""
