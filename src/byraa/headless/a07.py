"""``byraa a07 export``: a client's A07 for a month as ODS or XLSX (LibreOffice reads both)."""

from __future__ import annotations

from pathlib import Path

import click

from byraa.core.i18n import _
from byraa.headless.context import workspace


@click.group("a07")
def command() -> None:
    """A07: what a-ordningen holds for a client and month."""


@command.command("export")
@click.option("--client", "org_number", required=True, metavar="ORGNR")
@click.option("--period", required=True, metavar="YYYY-MM")
@click.option("--out", required=True, type=click.Path(dir_okay=False, path_type=Path), help="FILE.ods or FILE.xlsx")
@click.option("--overwrite", is_flag=True, help="Replace an existing file.")
def export(org_number: str, period: str, out: Path, overwrite: bool) -> None:
    """Write the stored A07 in byraa's layout (the one `byraa import a07` reads); file 0600."""
    from byraa.core import a07 as core_a07

    ws = workspace()
    assert ws.who is not None
    path = core_a07.export(ws.store, ws.who, org_number.replace(" ", ""), period, out, overwrite=overwrite)
    click.echo(_("Wrote {path}.").format(path=path))
