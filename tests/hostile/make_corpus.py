"""Hostile and careless input files for every importer, made at test time (nothing binary
is committed). ``make(folder)`` writes them and returns what each should do.

    python -m tests.hostile.make_corpus /tmp/corpus    # to look at them
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path

from tests.builders import nid, org
from tests.data.reconcile import build as b
from tests.hostile.value_cases import add_value_cases


@dataclass(frozen=True)
class Case:
    name: str
    command: list[str]
    """``byraa`` arguments, the file's path included."""
    names: tuple[str, ...] = field(default_factory=tuple)
    """What the one line of refusal must name (the file, the record or line)."""
    env: dict[str, str] = field(default_factory=dict)


def _amelding(amount: str) -> dict:
    return b.amelding(org(1), "2026-10", [b.unit(org(11), [
        b.recipient(nid(2), "Person A0", incomes=[b.income("45000.00"), b.income(amount)], withheld="12000")])])


def _a07(amount: object) -> dict:
    doc = b.a07(org(1), "2026-10", [b.a07_person(nid(2), "Person A0", employments=[b.a07_employment(org(11))],
                                                 incomes=[(org(11), "fastloenn", "45000.00")])])
    doc["inntektsmottakere"][0]["inntekt"][0]["beloep"] = amount
    return doc


def _deep_json(depth: int = 200_000) -> str:
    return "[" * depth + "]" * depth


def make(folder: Path) -> list[Case]:
    folder.mkdir(parents=True, exist_ok=True)
    cases: list[Case] = []

    def add(name: str, command: list[str], *names: str, env: dict[str, str] | None = None) -> None:
        cases.append(Case(name, command, (Path(command[2]).name, *names), env or {}))

    # Amounts no payroll has: scientific notation and above 999 999 999 999,99 kr.
    for tag, amount in (("1e20", "1e20"), ("1e300", "1e300"), ("huge", "999999999999999.99"),
                        ("just-over", "1000000000000.00")):
        path = b.write_amelding(folder / f"amelding-{tag}.xml", _amelding(amount))
        add(f"amelding amount {tag}", ["import", "amelding", str(path)], "beloep")
    for tag, amount in (("1e20", 1e20), ("1e300", 1e300), ("huge", "999999999999999.99")):
        path = folder / f"a07-{tag}.json"
        path.write_text(json.dumps(_a07(amount)), encoding="utf-8")
        add(f"a07 amount {tag}", ["import", "a07", str(path)], "beloep")
    for tag, amount in (("1e300", "1e300"), ("huge", "999999999999999,99")):
        path = folder / f"ledger-{tag}.csv"
        path.write_text(f"account;period;amount\n5000;2026-10;100,00\n5000;2026-10;{amount}\n", encoding="utf-8")
        add(f"ledger amount {tag}", ["import", "ledger", str(path), "--client", org(1)], "line 3")
    # JSON nested 200 000 deep (a RecursionError in the decoder).
    for kind in ("a07", "taxcards"):
        path = folder / f"{kind}-deep.json"
        path.write_text(_deep_json(), encoding="utf-8")
        add(f"{kind} nested deep", ["import", kind, str(path)])
    # A CSV field of 200 KB (over the csv module's field limit).
    path = folder / "ledger-long-field.csv"
    path.write_text("account;period;amount;text\n5000;2026-10;1,00;" + "x" * 200_000 + "\n", encoding="utf-8")
    add("ledger 200 KB field", ["import", "ledger", str(path), "--client", org(1)], "line 2")
    # Not regular files: a link to /dev/zero (endless) and a FIFO (blocks).
    for kind, suffix, extra in (("amelding", "xml", []), ("a07", "json", []), ("ledger", "csv", ["--client", org(1)]),
                                ("ledger", "xml", []), ("taxcards", "json", [])):
        link = folder / f"zero-{kind}.{suffix}"
        link.symlink_to("/dev/zero")
        add(f"{kind} {suffix} link to /dev/zero", ["import", kind, str(link), *extra], "not a regular file")
    for kind, suffix, extra in (("a07", "json", []), ("ledger", "csv", ["--client", org(1)])):
        fifo = folder / f"fifo-{kind}.{suffix}"
        os.mkfifo(fifo)
        add(f"{kind} FIFO", ["import", kind, str(fifo), *extra], "not a regular file")
    # A DOCTYPE written in UTF-7 (+ADw- is "<"): the encoding is refused.
    path = folder / "amelding-utf7.xml"
    path.write_bytes(b'<?xml version="1.0" encoding="UTF-7"?>\n+ADw-!DOCTYPE melding +AFs- +ADw-!ENTITY x '
                     b'SYSTEM +ACI-file:///etc/passwd+ACI-+AD4- +AF0-+AD4-\n<melding/>')
    add("amelding UTF-7 DOCTYPE", ["import", "amelding", str(path)], "UTF-7")
    # Over the size cap of its kind (the cap is a setting: 1 MB here).
    path = folder / "ledger-big.csv"
    path.write_text("account;period;amount\n" + "5000;2026-10;1,00\n" * 80_000, encoding="utf-8")
    add("ledger over its cap", ["import", "ledger", str(path), "--client", org(1)], env={"BYRAA_MAX_MB_LEDGER_CSV": "1"})
    add_value_cases(folder, add, _amelding)
    return cases


if __name__ == "__main__":
    for case in make(Path(sys.argv[1])):
        print(f"{case.name:<32} byraa {' '.join(case.command)}")
