"""What waits in the agency's inbox folder: files the store has not seen yet.

The dashboard says "N filer i innboksen" so nobody has to remember to look, and apart
from them how many files an intake refused are still lying there. A file counts as seen
when its checksum is one the store holds (an imported a-melding, A07, ledger source, a
payroll journal, or any archived file such as a tax-card answer): a file
imported once and left in the folder is not news, a file renamed is not news either.
Checksums are cached per (path, size, mtime) in the process, so a dashboard refresh
reads only what changed.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlmodel import col

from byraa.core.importers.intake import JOB_KIND as INTAKE_JOB
from byraa.core.importers.intake import expand
from byraa.core.store import Store
from byraa.core.store.models import ArchiveFile
from byraa.core.store.models_jobs import Job, JobItem
from byraa.core.store.models_posting import PostingRun
from byraa.core.store.models_reconcile import ReconSource

_CHUNK = 1 << 20
_cache: dict[tuple[str, int, int], str] = {}


@dataclass(frozen=True)
class InboxState:
    folder: Path
    files: int
    """Regular files in the folder (recursively, hidden ones skipped)."""
    new: int
    """Of those, files whose content the store does not hold and no intake has refused."""
    refused: int = 0
    """Files an intake refused and that still lie there: news of another kind (take them
    out, or fix what the reason says), not "new"."""


def _sha256(path: Path) -> str | None:
    try:
        stat = path.stat()
    except OSError:
        return None
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    cached = _cache.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while chunk := handle.read(_CHUNK):
                digest.update(chunk)
    except OSError:
        return None
    _cache[key] = digest.hexdigest()
    return _cache[key]


def state(store: Store, folder: Path) -> InboxState:
    """The inbox's files and how many of them are new; an absent folder holds none."""
    if not folder.is_dir() or not os.access(folder, os.R_OK | os.X_OK):
        return InboxState(folder, 0, 0)
    files = [f for f in expand([folder]) if f.is_file() and not f.is_symlink()]
    if not files:
        return InboxState(folder, 0, 0)
    with store.session() as session:
        known = set(session.scalars(select(col(ReconSource.sha256))))
        known.update(session.scalars(select(col(ArchiveFile.sha256))))
        known.update(session.scalars(select(col(PostingRun.sha256))))
        # A refused file is stored nowhere but in its intake item (few: only the failed ones are read).
        refused_before = {json.loads(payload or "{}").get("sha256") for payload in session.scalars(
            select(col(JobItem.payload)).join(Job, col(Job.id) == col(JobItem.job_id))
            .where(col(Job.kind) == INTAKE_JOB, col(JobItem.state) == "failed"))}
    unknown = [sha for f in files if (sha := _sha256(f)) is not None and sha not in known]
    refused = sum(1 for sha in unknown if sha in refused_before)
    return InboxState(folder, len(files), len(unknown) - refused, refused)


__all__ = ["InboxState", "state"]
