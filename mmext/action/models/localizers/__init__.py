"""Localizers of mmext.action."""
