"""The run screen's check rows: a check the period does not call for is dimmed, a check
the client follows up (the run's stored list) is marked ``*`` and its open differences are
not red (they do not block signing), and the hint says what is due."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from byraa.core.reconcile.runs import RunSummary
from byraa.core.reconcile.summary import NOT_APPLICABLE, CheckFigures
from byraa.core.words import i18n
from byraa.core.words.labels import check_name
from byraa.tui.screens.reconcile.run import ReconcileRunScreen
from byraa.tui.widgets.markable_table import Toned
from tests.tui_support import language_restored

LINE = CheckFigures("pension", 4, 0, 0, 1, NOT_APPLICABLE, 1)
SUMMARY = RunSummary(1, "310000019", "Alfa", "2026-09", 1, "standard", ("withholding", "pension", "holiday_pay_year"),
                     datetime(2026, 11, 22, tzinfo=UTC), "tester", 4, 0, 0, None, None, None, None)


def test_a_check_not_due_is_dimmed_and_the_clients_checks_marked() -> None:
    with language_restored():
        i18n.set_language("nb")
        september = ReconcileRunScreen._row(LINE, "2026-09", ()).cells[1]
        assert isinstance(september, Toned) and september.tone == "muted"
        assert september.text == check_name("pension")
        october = ReconcileRunScreen._row(LINE, "2026-10", ("pension",)).cells[1]
        assert october == f"{check_name('pension')} *"
        open_line = replace(LINE, differences=2, unresolved=2)
        theirs = ReconcileRunScreen._row(open_line, "2026-10", ("pension",)).cells[3]
        ours = ReconcileRunScreen._row(open_line, "2026-10", ()).cells[3]
        assert isinstance(theirs, Toned) and isinstance(ours, Toned)
        assert (theirs.tone, ours.tone) == ("muted", "error")
        september_hint = ReconcileRunScreen._hint(SUMMARY)
        assert "forfaller denne perioden" not in september_hint and "dempet" in september_hint
        hint = ReconcileRunScreen._hint(replace(SUMMARY, period="2026-12", service_level="part",
                                                client_checks=("pension",)))
        assert f"forfaller denne perioden: {check_name('pension')}, {check_name('holiday_pay_year')}" in hint
        assert "*: kunde følger opp, hindrer ikke signering" in hint
