"""Formula cells an XLSX file stores without their computed value.

A workbook written by a program that does not calculate (a script with openpyxl, an
export tool) keeps ``<f>`` with no ``<v>``: the reader sees an empty or zero cell, and
an amount would be stored as 0 kr. byraa refuses such a workbook, naming the sheet and
cell, so the user opens and saves it in a spreadsheet program (which computes the
values) first. Every part is read through ``xmlsafe`` (no DTD, no entities) and within
a size cap, so a zip bomb cannot blow up here.
"""

from __future__ import annotations

import posixpath
import zipfile
from pathlib import Path

from byraa.core.files import xmlsafe

MAX_PART_BYTES = 256 * 1024 * 1024
"""A worksheet's XML unpacked, at most (far above a real A07 workbook)."""

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"


def _sheet_parts(book: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, part path) of every worksheet, in the workbook's order."""
    workbook = xmlsafe.parse_bytes(_read(book, "xl/workbook.xml"))
    rels = xmlsafe.parse_bytes(_read(book, "xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{{{_PKG_REL}}}Relationship")}
    out = []
    for sheet in workbook.iter(f"{{{_MAIN}}}sheet"):
        target = targets.get(sheet.get(f"{{{_REL}}}id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out.append((sheet.get("name", "?"), part))
    return out


def _read(book: zipfile.ZipFile, name: str) -> bytes:
    info = book.getinfo(name)
    if info.file_size > MAX_PART_BYTES:
        raise xmlsafe.XmlRejected("xml.too_big", size=f"{info.file_size:,}", limit=f"{MAX_PART_BYTES:,}")
    with book.open(info) as fh:
        data = fh.read(MAX_PART_BYTES + 1)
    if len(data) > MAX_PART_BYTES:
        raise xmlsafe.XmlRejected("xml.too_big", size=f"{len(data):,}", limit=f"{MAX_PART_BYTES:,}")
    return data


def first_uncomputed(path: str | Path) -> tuple[str, str] | None:
    """(sheet, cell) of the first formula without a stored value, or ``None``.

    Raises ``zipfile.BadZipFile``, ``KeyError`` (a missing part) or ``XmlRejected`` for a
    file that is not a readable workbook; the caller names the file.
    """
    with zipfile.ZipFile(path) as book:
        if "xl/workbook.xml" not in book.namelist():  # not XLSX (an ODS is a zip too)
            return None
        for sheet, part in _sheet_parts(book):
            if part not in book.namelist():
                continue
            with book.open(part) as fh:
                for _event, cell in xmlsafe.iterparse(fh, tag=f"{{{_MAIN}}}c", max_bytes=MAX_PART_BYTES):
                    formula = cell.find(f"{{{_MAIN}}}f")
                    value = cell.find(f"{{{_MAIN}}}v")
                    empty = value is None or (not (value.text or "").strip() and cell.get("t") != "str")
                    if formula is not None and empty:
                        return sheet, cell.get("r", "?")
                    cell.clear()
    return None
