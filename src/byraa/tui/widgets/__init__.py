"""Reusable widgets of the TUI (the only place ``DEFAULT_CSS`` is allowed)."""
