"""byraa: a keyboard-driven terminal cockpit for Norwegian payroll agencies.

Nothing heavy is imported here: the CLI's headless commands and the TUI both start
from this package, and every millisecond of import is paid on each start.
"""

__version__ = "0.1.0"
