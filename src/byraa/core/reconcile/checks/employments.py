"""Check 1: employments in byraa (payroll) against a-ordningen's (A07), seed 000.

Two matching methods:

- ``simple`` ("Forenklet"): by national id only; a person with several employments on
  a side is paired in order of start date (then employment id).
- ``standard``: by national id, sub-unit, start date and occupation code; a changed
  start date or occupation code therefore shows as one employment only in payroll and one
  only in a-ordningen, as the seed describes.

Per pair: ``equal``, or one ``differs`` row per field that differs (start, end,
occupation code, position %, hours per full week, employment type, leave; with
``simple`` also the sub-unit) with both values; ``only_payroll``; ``only_a07``.

Frames (one row per employment; ``client_id`` lets one call cover many clients)::

    client_id, ref, national_id, sub_unit, employment_ref, employment_type,
    start_date, end_date, occupation_code, position_pct, hours_full_week, leave

``ref`` is byraa's ``employment.id`` (payroll) or ``recon_employment.id`` (A07);
``leave`` is the leaves in force in the month as one canonical text.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import polars as pl

from byraa.core.reconcile.checks import ResultRow

SCHEMA: dict[str, pl.DataType] = {
    "client_id": pl.Int64(), "ref": pl.Int64(), "national_id": pl.Utf8(), "sub_unit": pl.Utf8(),
    "employment_ref": pl.Utf8(), "employment_type": pl.Utf8(), "start_date": pl.Date(), "end_date": pl.Date(),
    "occupation_code": pl.Utf8(), "position_pct": pl.Float64(), "hours_full_week": pl.Float64(),
    "leave": pl.Utf8(),
}
FIELDS = ("start_date", "end_date", "occupation_code", "position_pct", "hours_full_week", "employment_type",
          "leave", "sub_unit")
UNITS = {"start_date": "date", "end_date": "date", "position_pct": "pct", "hours_full_week": "hours"}
KEYS = {"simple": ("national_id",), "standard": ("national_id", "sub_unit", "start_date", "occupation_code")}


def frame(rows: list[dict]) -> pl.DataFrame:
    """A frame in the check's schema from dicts (missing keys are null)."""
    return pl.DataFrame([{k: r.get(k) for k in SCHEMA} for r in rows], schema=SCHEMA)


def leave_text(leaves: Sequence[tuple[date, date | None, float | None, str | None]], first: date, last: date) -> str:
    """The leaves in force in [first, last] as one comparable text, e.g. ``2026-10-10–… 50 % foreldre``."""
    parts = []
    for start, end, pct, description in sorted(leaves, key=lambda x: (x[0], x[1] or date.max)):
        if start > last or (end is not None and end < first):
            continue
        pct_text = f"{pct:g} %" if pct is not None else "100 %"
        parts.append(f"{start.isoformat()}–{end.isoformat() if end else '…'} {pct_text} {description or ''}".strip())
    return "; ".join(parts)


def _normal(df: pl.DataFrame) -> pl.DataFrame:
    return df.with_columns(
        pl.col("position_pct").fill_null(0.0).round(2),
        pl.col("hours_full_week").fill_null(0.0).round(2),
        pl.col("occupation_code").fill_null(""),
        pl.col("leave").fill_null(""),
        pl.col("client_id").fill_null(0),
    )


def _show(value: object, unit: str) -> object:
    if value is None or value == "":
        return None
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return round(value, 2)
    return value


def compare(payroll: pl.DataFrame, a07: pl.DataFrame, method: str = "standard") -> pl.DataFrame:
    """The result as a frame: client_id, national_id, sub_unit, employment_ref, field,
    payroll, a07, status, payroll_ref, a07_ref (values as text)."""
    if method not in KEYS:
        raise ValueError(f"unknown matching method {method!r}")
    keys = ["client_id", *KEYS[method]]
    p = _normal(payroll.select(list(SCHEMA))).sort(["client_id", "national_id", "start_date", "employment_ref"],
                                                   nulls_last=True)
    a = _normal(a07.select(list(SCHEMA))).sort(["client_id", "national_id", "start_date", "employment_ref"],
                                               nulls_last=True)
    p = p.with_columns(pl.int_range(pl.len()).over(keys).alias("_n"), pl.lit(True).alias("_p"))
    a = a.with_columns(pl.int_range(pl.len()).over(keys).alias("_n"), pl.lit(True).alias("_a"))
    joined = p.join(a, on=[*keys, "_n"], how="full", suffix="_a07", coalesce=True, nulls_equal=True)
    fields = [f for f in FIELDS if f not in keys]
    for k in KEYS[method]:
        if k != "national_id":
            joined = joined.with_columns(pl.col(k).alias(f"{k}_a07"))
    both = joined.filter(pl.col("_p").is_not_null() & pl.col("_a").is_not_null())
    ident = [
        pl.col("client_id"), pl.col("national_id"),
        pl.coalesce(pl.col("sub_unit"), pl.col("sub_unit_a07")).alias("sub_unit"),
        pl.coalesce(pl.col("employment_ref"), pl.col("employment_ref_a07")).alias("employment_ref"),
        pl.col("ref").alias("payroll_ref"), pl.col("ref_a07").alias("a07_ref"),
    ]
    parts = []
    differs_any = pl.lit(False)
    for f in fields:
        ne = pl.col(f).ne_missing(pl.col(f"{f}_a07"))
        differs_any = differs_any | ne
        parts.append(both.filter(ne).select(
            *ident, pl.lit(f).alias("field"), pl.col(f).cast(pl.Utf8).alias("payroll"),
            pl.col(f"{f}_a07").cast(pl.Utf8).alias("a07"), pl.lit("differs").alias("status")))
    parts.append(both.filter(~differs_any).select(
        *ident, pl.lit("").alias("field"), pl.lit(None, pl.Utf8).alias("payroll"), pl.lit(None, pl.Utf8).alias("a07"),
        pl.lit("equal").alias("status")))
    summary = (pl.col("start_date").cast(pl.Utf8).fill_null("") + " " + pl.col("occupation_code").fill_null("")
               + " " + pl.col("position_pct").cast(pl.Utf8) + " %")
    summary_a = (pl.col("start_date_a07").cast(pl.Utf8).fill_null("") + " " + pl.col("occupation_code_a07").fill_null("")
                 + " " + pl.col("position_pct_a07").cast(pl.Utf8) + " %") if "start_date_a07" in joined.columns else None
    only_p = joined.filter(pl.col("_a").is_null())
    parts.append(only_p.select(*ident, pl.lit("").alias("field"), summary.alias("payroll"),
                               pl.lit(None, pl.Utf8).alias("a07"), pl.lit("only_payroll").alias("status")))
    only_a = joined.filter(pl.col("_p").is_null())
    if summary_a is None:  # standard: start and occupation are keys, so coalesced into the payroll columns
        summary_a = summary
    parts.append(only_a.select(*ident, pl.lit("").alias("field"), pl.lit(None, pl.Utf8).alias("payroll"),
                               summary_a.alias("a07"), pl.lit("only_a07").alias("status")))
    out = pl.concat(parts, how="vertical_relaxed")
    order = {"differs": 0, "only_payroll": 1, "only_a07": 2, "equal": 3}
    return out.with_columns(pl.col("status").replace_strict(order, return_dtype=pl.Int8).alias("_o")).sort(
        ["client_id", "_o", "national_id", "sub_unit", "employment_ref", "field"], nulls_last=True).drop("_o")


def rows(payroll: pl.DataFrame, a07: pl.DataFrame, method: str = "standard") -> list[ResultRow]:
    """Check 1 as result rows (one client's frames)."""
    out = []
    for r in compare(payroll, a07, method).iter_rows(named=True):
        f = r["field"] or ""
        unit = UNITS.get(f, "text")
        pv, av = r["payroll"], r["a07"]
        if unit in ("pct", "hours"):
            pv = float(pv) if pv is not None else None
            av = float(av) if av is not None else None
        out.append(ResultRow(
            check="employments", key=f"{r['sub_unit'] or ''} {r['employment_ref'] or ''}".strip(), field=f,
            payroll=_show(pv, unit), a07=_show(av, unit), ledger=None, difference=None, status=r["status"],
            unit=unit, national_id=r["national_id"], payroll_ref=r["payroll_ref"], a07_ref=r["a07_ref"]))
    return out


def a07_missing(payroll: pl.DataFrame) -> list[ResultRow]:
    """Check 1 for a month with no A07: one row saying so, with how many employments payroll
    holds, not "only in payroll" for each of them (nobody is missing from a-ordningen: the
    report is). Fetching or importing the A07 and running again compares them."""
    if payroll.is_empty():
        return []
    return [ResultRow(check="employments", key="", field="", payroll=payroll.height, a07=None, ledger=None,
                      difference=None, status="missing", unit="count")]
