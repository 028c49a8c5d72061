"""Metrics of mmext.action."""
