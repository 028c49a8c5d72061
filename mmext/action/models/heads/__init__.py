"""Heads of mmext.action."""
