"""How the archive names its sizes and files on screen (its kinds and directions: ``labels``, shared with the CLI)."""

from __future__ import annotations

from pathlib import Path

from byraa.core.base import ids
from byraa.core.clients.archive import ArchiveEntry
from byraa.core.words import formatting as fmt
from byraa.core.words.i18n import _

VIEW_LIMIT = 512 * 1024
"""Characters of a file the viewer shows; beyond that it says so (save a copy to read all)."""
PRETTY_LIMIT = 8 * 1024 * 1024
"""Bytes above which a file is shown as stored, not pretty-printed (parsing would take long)."""


def size_text(size: int) -> str:
    """``812 B``, ``3,4 kB``, ``12,0 MB`` (Norwegian decimal comma)."""
    if size < 1024:
        return f"{fmt.count(size)} B"
    for unit, factor in (("kB", 1024), ("MB", 1024**2), ("GB", 1024**3)):
        if size < factor * 1024 or unit == "GB":
            return f"{size / factor:.1f}".replace(".", ",") + f" {unit}"
    return str(size)  # pragma: no cover


def client_text(entry: ArchiveEntry) -> str:
    if entry.org_number:
        return f"{ids.format_org_number(entry.org_number)} {entry.client_name or ''}".strip()
    return _("agency")


def default_filename(entry: ArchiveEntry) -> str:
    """The stored file name, else ``byraa-<kind>-<id>.<xml|json|txt>``."""
    if entry.filename:
        return Path(entry.filename).name
    ctype = (entry.content_type or "").lower()
    ext = "json" if "json" in ctype else "xml" if "xml" in ctype else "txt"
    return f"byraa-{entry.kind}-{entry.id}.{ext}"
