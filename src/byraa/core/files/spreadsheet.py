"""Writing reports as CSV or XLSX files, created readable by the owner only.

XLSX files have typed columns (numbers are numbers, dates are dates), a bold header
row, frozen panes under it, and a sum row of real ``SUM`` formulas. Each formula also
carries its computed value, so a reader that does not recalculate still shows the sum.
"""

from __future__ import annotations

import csv
import errno
import io
import os
import re
from datetime import date
from pathlib import Path

from byraa.core.base.errors import UserError
from byraa.core.base.text import printable
from byraa.core.clients.reports import Report
from byraa.core.files.oserrors import cannot_write
from byraa.core.words.i18n import _

REPORT_SUFFIXES = (".csv", ".xlsx")


def check_report_path(path: Path) -> None:
    """Refuse a file name byraa cannot write a report as (``usage.pdf`` must not get CSV inside)."""
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise UserError("file.report_suffix", path=str(path))


def _open_private(path: Path, *, overwrite: bool) -> int:
    """A new (or with ``overwrite`` truncated) file created 0600; never through a symlink.

    ``--out link.csv --overwrite`` would otherwise truncate whatever the link points at
    (another user's file, the database). ``O_NOFOLLOW`` closes the race the check leaves.
    """
    if Path(path).is_symlink():
        raise UserError("file.symlink", path=path)
    flags = os.O_WRONLY | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0) | (os.O_TRUNC if overwrite else os.O_EXCL)
    try:
        fd = os.open(path, flags, 0o600)
    except FileExistsError as exc:
        raise UserError("file.exists", path=path) from exc
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UserError("file.symlink", path=path) from None
        raise cannot_write(path, exc) from exc
    os.fchmod(fd, 0o600)
    return fd


def _file_value(kind: str, value):  # noqa: ANN001, ANN202
    if value is None:
        return None
    if kind == "nok":
        return value / 100
    if kind == "percent":
        return value / 100
    return value


_NUMBER = re.compile(r"^[+-]?\d+([.,]\d+)?$")


def safe_cell(value):  # noqa: ANN001, ANN201
    """A CSV cell a spreadsheet will not run: text starting with = + - @ (or tab/CR) gets a
    leading apostrophe, as OWASP advises; numbers (``-1234.50``) stay as they are. Control
    characters are stripped."""
    if not isinstance(value, str):
        return value
    value = printable(value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r") and not _NUMBER.match(value):
        return "'" + value
    return value


def write_csv(report: Report, path: Path, *, overwrite: bool = False) -> None:
    """CSV with English keys in the header, kroner with a dot, ISO dates."""
    with os.fdopen(_open_private(path, overwrite=overwrite), "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow([c.key for c in report.columns])
        for row in report.rows:
            values = []
            for c in report.columns:
                v = row.get(c.key)
                if c.kind == "nok" and v is not None:
                    v = f"{v / 100:.2f}"
                elif isinstance(v, date):
                    v = v.isoformat()
                elif c.kind == "percent" and v is not None:
                    v = f"{v:.2f}"
                values.append("" if v is None else safe_cell(v))
            writer.writerow(values)


def write_xlsx(report: Report, path: Path, *, overwrite: bool = False) -> None:
    import xlsxwriter
    from xlsxwriter.utility import xl_rowcol_to_cell

    fd = _open_private(path, overwrite=overwrite)  # written through this descriptor: never a link put there since
    buf = io.BytesIO()
    book = xlsxwriter.Workbook(buf, {"remove_timezone": True, "in_memory": True})
    sheet = book.add_worksheet(report.title[:31])
    bold = book.add_format({"bold": True, "bottom": 1})
    formats = {
        "int": book.add_format({"num_format": "#,##0"}),
        "nok": book.add_format({"num_format": "#,##0.00"}),
        "percent": book.add_format({"num_format": "0.0%"}),
        "date": book.add_format({"num_format": "dd.mm.yyyy"}),
        "text": None,
    }
    total_formats = {k: book.add_format({"bold": True, "top": 1, **({"num_format": f.num_format} if f else {})})
                     for k, f in formats.items()}
    for col, c in enumerate(report.columns):
        sheet.write_string(0, col, c.header, bold)
        width = max([len(c.header), *(len(str(r.get(c.key) or "")) for r in report.rows[:500])]) + 2
        sheet.set_column(col, col, min(width, 50))
    for r, row in enumerate(report.rows, start=1):
        for col, c in enumerate(report.columns):
            value = _file_value(c.kind, row.get(c.key))
            if value is None:
                sheet.write_blank(r, col, None)
            elif c.kind == "date":
                sheet.write_datetime(r, col, value, formats["date"])
            elif c.kind in ("text", "month"):  # a month stays ISO text in a file (2026-10)
                sheet.write_string(r, col, c.words(value) if c.words else str(value))
            else:
                sheet.write_number(r, col, value, formats[c.kind])
    if any(c.total for c in report.columns) and report.rows:
        last = len(report.rows)
        sheet.write_string(last + 1, 0, _("Total"), total_formats["text"])
        for col, c in enumerate(report.columns):
            if not c.total:
                continue
            cells = f"{xl_rowcol_to_cell(1, col)}:{xl_rowcol_to_cell(last, col)}"
            computed = sum(_file_value(c.kind, r.get(c.key)) or 0 for r in report.rows)
            sheet.write_formula(last + 1, col, f"=SUM({cells})", total_formats[c.kind], computed)
    sheet.freeze_panes(1, 0)
    sheet.autofilter(0, 0, max(len(report.rows), 1), len(report.columns) - 1)
    book.close()
    with os.fdopen(fd, "wb") as fh:
        fh.write(buf.getvalue())


def write_report(report: Report, path: Path, *, overwrite: bool = False) -> None:
    """``report`` to ``path`` as CSV or XLSX by its suffix (checked first: .csv or .xlsx only)."""
    check_report_path(path)
    if path.suffix.lower() == ".csv":
        write_csv(report, path, overwrite=overwrite)
    else:
        write_xlsx(report, path, overwrite=overwrite)
