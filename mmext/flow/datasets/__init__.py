"""Datasets (one class per on-disk format) and data transforms."""
