"""Losses of mmext.action."""
