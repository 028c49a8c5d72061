"""Common of mmext.action."""
