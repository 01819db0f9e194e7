"""What byraa agrees to read: regular files only, each kind of file under its size cap.

A symlink to ``/dev/zero`` or a FIFO passed as an import would otherwise be read
forever; a file far above any real one of its kind is refused before it is read. The
caps are settings: ``BYRAA_MAX_MB_<KIND>`` (``BYRAA_MAX_MB_LEDGER_CSV=500``) raises one.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from byraa.core.base.errors import UserError

MB = 1024 * 1024
CAPS_MB = {
    "amelding": 1024,  # streamed: size costs time only
    "saft": 1024,  # streamed
    "ledger_csv": 200,  # streamed: checked lines spooled to disk
    "a07": 16,  # read whole (JSON, or a workbook's sheets): 16 MB is ~15,000 persons a month
    "taxcard": 20,
    "journal": 4,  # read whole (about 45x in memory): 4 MB is ~100,000 lines of one payroll run
}
"""Default size caps per kind of file, in MB."""


def cap_bytes(kind: str) -> int:
    raw = os.environ.get(f"BYRAA_MAX_MB_{kind.upper()}")
    try:
        return int(raw) * MB if raw else CAPS_MB[kind] * MB
    except ValueError:
        return CAPS_MB[kind] * MB


def check_file(path: str | os.PathLike[str], kind: str) -> int:
    """The size of ``path`` if it is a regular file within ``kind``'s cap; else a refusal naming it."""
    p = Path(path)
    try:
        info = p.stat()  # follows a symlink: its target must be a regular file
    except OSError as exc:
        raise UserError("file.unreadable", path=p.name, reason=exc.strerror or type(exc).__name__) from None
    if not stat.S_ISREG(info.st_mode):
        raise UserError("file.not_regular", path=p.name)
    limit = cap_bytes(kind)
    if info.st_size > limit:
        raise UserError("file.too_large", path=p.name, size=f"{info.st_size:,}", limit=f"{limit // MB:,}")
    return info.st_size


def read_capped(path: str | os.PathLike[str], kind: str) -> bytes:
    """The bytes of a regular file within ``kind``'s cap (never more than the cap, even if it grows)."""
    check_file(path, kind)
    limit = cap_bytes(kind)
    p = Path(path)
    try:
        with p.open("rb") as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise UserError("file.unreadable", path=p.name, reason=exc.strerror or type(exc).__name__) from None
    if len(data) > limit:
        raise UserError("file.too_large", path=p.name, size=f"> {limit:,}", limit=f"{limit // MB:,}")
    return data
