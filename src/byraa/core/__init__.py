"""The headless core: store, identity, access, audit, services, demo data.

Plain Python. Nothing under ``byraa.core`` may import textual or rich (a test enforces
it), so every service here is usable from cron, scripts and the TUI alike.
"""
