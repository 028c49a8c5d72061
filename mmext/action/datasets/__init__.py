"""Datasets (one class per on-disk format) and data transforms."""
from . import transforms  # noqa: F401
