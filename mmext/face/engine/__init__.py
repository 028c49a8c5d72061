"""Hooks, loops and optimizer wrappers."""
