"""Evaluation metrics and the pure functions behind them."""
from . import functional, metrics  # noqa: F401
