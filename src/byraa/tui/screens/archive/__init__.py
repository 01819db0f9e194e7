"""The file archive (SPEC 4.10): every file sent to or received from the authorities.

Newest first; ``/`` filters on any column's words (client, period, file, user…), ``y``
cycles the kind and ``o`` the direction (both read again from the store, so older
files of that kind are found too). ``enter`` shows a file pretty-printed in a pager whose
arrow keys scroll long lines sideways (``home``/``end``: line start, end), ``e`` saves a
copy (created 0600 by the core). What a clerk may see is the core's decision: files of
their clients only, agency-level files (tokens, multi-client orders) only for managers.

Modules: ``screen`` (the list), ``file`` (one file and saving a copy), ``words``.
"""

from byraa.tui.screens.archive.file import ArchiveFileScreen, SavePathDialog
from byraa.tui.screens.archive.screen import ArchiveScreen

__all__ = ["ArchiveFileScreen", "ArchiveScreen", "SavePathDialog"]
