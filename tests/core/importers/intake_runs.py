"""An intake worked to its end in a test, and what became of each file by name."""

from __future__ import annotations

import asyncio
from pathlib import Path

from byraa.core.importers import intake
from byraa.core.jobs import JobInfo


def run_planned(store, who, planned: list[intake.PlannedFile]) -> tuple[JobInfo, list[intake.FileResult]]:  # noqa: ANN001
    """Start the plan as an intake job, work it to its end; the job and one row per file."""
    job = intake.start(store, who, planned)
    info = asyncio.run(intake.run(store, who, job))
    return info, intake.results(store, who, job)[1]


def outcomes(rows: list[intake.FileResult]) -> dict[str, str | None]:
    """File name -> imported / unchanged / replaced / refused."""
    return {Path(r.path).name: r.outcome for r in rows}
