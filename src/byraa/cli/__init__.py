"""Headless commands: click commands that use only ``byraa.core`` (never textual)."""
