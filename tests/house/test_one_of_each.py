"""One of each: a single class per concept, a single lookup, a single bridge. A second
``A07Report`` or ``Deviation`` (or a second not-found lookup) is how two screens start to
disagree, so the house keeps one; the behaviour each shares is tested in its domain
(tests/core/clients/test_lookup.py, test_latest_amelding.py, tests/core/base/test_bridge.py)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import byraa
from byraa.core.altinn.client import Deviation, parse_feedback
from byraa.core.reconcile import a07

SRC = Path(byraa.__file__).parent


def _definitions() -> Counter:
    found: Counter = Counter()
    for path in SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if isinstance(node, ast.ClassDef | ast.FunctionDef):
                found[node.name] += 1
    return found


def test_one_a07_report_one_deviation_one_resolver() -> None:
    found = _definitions()
    for name in ("A07Report", "Deviation", "resolve_client", "latest_amelding", "run_sync", "settings_for"):
        assert found[name] == 1, f"{name} is defined {found[name]} times"
    assert a07.A07Report.__module__ == "byraa.core.reconcile.a07"


def test_the_one_deviation_carries_byraas_severity_codes_from_the_wire() -> None:
    content = (b'{"mottak": {"mottakstatus": "avvist"}, "avvik": ['
               b'{"kode": "A", "alvorlighetsgrad": "AVVISNING", "beskrivelse": "a"},'
               b'{"kode": "B", "alvorlighetsgrad": "\xc3\x98yeblikkelig", "beskrivelse": "b"},'
               b'{"kode": "C", "alvorlighetsgrad": "retningslinje", "beskrivelse": "c"},'
               b'{"kode": "D", "alvorlighetsgrad": "ny", "beskrivelse": "d"}]}')
    fb = parse_feedback(content, "f1")
    assert fb.deviations == (Deviation("A", "rejection", "a"), Deviation("B", "immediate", "b"),
                             Deviation("C", "guideline", "c"), Deviation("D", "ny", "d"))
