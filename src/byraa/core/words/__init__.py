"""Words: gettext, the code-to-word tables and Norwegian number and date formats."""
