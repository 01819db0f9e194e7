"""The demo's posting journals: imported by the intake, clean for most clients, and the
control list finds each planted fault on its client (what is asserted is computed from
the planted faults, ``DemoSummary.journal_faults``)."""

from __future__ import annotations

from byraa.core.agency.identity import resolve
from byraa.core.posting import service
from byraa.demo.journals import FAULTS, SHORT


def test_each_planted_journal_fault_is_found_on_its_client(demo60) -> None:  # noqa: ANN001
    store, summary = demo60
    who = resolve(store, "tester")
    faults = summary.journal_faults
    assert sorted(f.problem for f in faults) == sorted(FAULTS)
    assert len({f.org_number for f in faults}) == len(faults)
    for fault in faults:
        _, result = service.check(store, who, fault.org_number, fault.period)
        flagged = [(r.account, r.national_id, r.problems) for r in result.rows if r.problems]
        if fault.problem == "difference":
            assert flagged == []
            assert result.differences == {int(fault.period[:4]): -SHORT}
        else:
            assert flagged == [(fault.account, fault.national_id, [fault.problem])]
            assert result.differences == {}


def test_a_clean_clients_journals_have_no_problems(demo60) -> None:  # noqa: ANN001
    store, summary = demo60
    who = resolve(store, "tester")
    planted = {f.org_number for f in summary.journal_faults}
    journals = sorted(p for p in summary.inbox.rglob("*_lonnsjournal-*.csv"))
    clean = [p for p in journals if p.parent.name not in planted]
    org = clean[0].parent.name
    mine = [p for p in clean if p.parent.name == org]
    assert mine
    for path in mine:
        period = path.stem.rsplit("-", 2)[-2] + "-" + path.stem.rsplit("-", 1)[-1]
        _, result = service.check(store, who, org, period)
        assert result.rows and result.clean, (path.name, result.differences)
