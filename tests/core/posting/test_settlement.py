"""Settlement after posting: open items on settlement accounts, per employee, oldest first, partial."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from byraa.core.posting import service, settlement
from byraa.core.posting.journal import import_journal
from byraa.core.store.models_posting import PostingSettlement
from tests.builders import nid
from tests.core.posting.test_posting import agency, journal  # noqa: F401  (fixture)


def _post(store, who, client: str, tmp_path: Path, period: str, lines: list[dict]) -> service.PostResult:  # noqa: ANN001
    path = journal(tmp_path, [{**x, "period": period} for x in lines], name=f"j-{period}.csv")
    import_journal(store, who, path, client=client)
    service.freeze(store, who, client, period)
    return service.post(store, who, client, period)


def _advance(person: str, kroner: int) -> list[dict]:
    return [{"account": "1570", "amount": f"{kroner},00", "national_id": person, "text": "Lønnsforskudd"},
            {"account": "1920", "amount": f"-{kroner},00", "text": "Utbetalt"}]


def test_a_deduction_settles_the_oldest_advances_first_and_may_leave_one_partly_open(
        agency, store, tmp_path: Path) -> None:  # noqa: F811
    small, who, client = agency
    # 1570 is named for settlement only: that makes it a sub-ledger (per employee) account too.
    service.set_settings(store, who, client, error_account="7999", error_customer="99999",
                         settle_accounts=["1570"], open_years=["2026"])
    settings = service.get_settings(store, who, client)
    assert settings.settle_accounts == ["1570"] and settings.subledger_accounts == ["1570"]
    first = _post(store, who, client, tmp_path, "2026-08", _advance(nid(2), 3000) + _advance(nid(3), 700))
    second = _post(store, who, client, tmp_path, "2026-09", _advance(nid(2), 2000))
    assert not first.settled and not second.settled  # nothing older to settle against
    items = settlement.client_open_items(store, who, client)
    assert [(x.customer, x.open_amount) for x in items] == [(nid(2), 300_000), (nid(2), 200_000), (nid(3), 70_000)]
    # November deducts 4 000 from nid(2): all of the August advance, then 1 000 of September's.
    deduction = [{"account": "1570", "amount": "-4000,00", "national_id": nid(2), "text": "Trekk forskudd"},
                 {"account": "5000", "amount": "4000,00", "text": "Lønn"}]
    third = _post(store, who, client, tmp_path, "2026-11", deduction)
    august = next(x for x in items if x.customer == nid(2) and x.open_amount == 300_000)
    september = next(x for x in items if x.customer == nid(2) and x.open_amount == 200_000)
    assert [(s.settled_line_id, s.amount) for s in third.settled] == [(august.id, 300_000), (september.id, 100_000)]
    left = settlement.client_open_items(store, who, client)
    # The deduction is used up; September's advance is open for 1 000; the other employee is untouched.
    assert [(x.id, x.open_amount) for x in left] == [(september.id, 100_000),
                                                      (next(x.id for x in items if x.customer == nid(3)), 70_000)]
    with store.session() as s:
        assert len(list(s.scalars(select(PostingSettlement)))) == 2


def test_a_deduction_larger_than_the_advances_stays_open_itself(agency, store, tmp_path: Path) -> None:  # noqa: F811
    small, who, client = agency
    service.set_settings(store, who, client, error_account="7999", error_customer="99999",
                         subledger_accounts=["1570"], settle_accounts=["1570"], open_years=["2026"])
    _post(store, who, client, tmp_path, "2026-09", _advance(nid(2), 500))
    result = _post(store, who, client, tmp_path, "2026-10",
                   [{"account": "1570", "amount": "-800,00", "national_id": nid(2)},
                    {"account": "5000", "amount": "800,00"}])
    assert [s.amount for s in result.settled] == [50_000]
    left = settlement.client_open_items(store, who, client)
    assert [(x.amount, x.open_amount) for x in left] == [(-80_000, -30_000)]


def test_without_settlement_accounts_nothing_is_settled(agency, store, tmp_path: Path) -> None:  # noqa: F811
    small, who, client = agency
    service.set_settings(store, who, client, error_account="7999", error_customer="99999",
                         subledger_accounts=["1570"], open_years=["2026"])
    _post(store, who, client, tmp_path, "2026-09", _advance(nid(2), 500))
    result = _post(store, who, client, tmp_path, "2026-10", [{"account": "1570", "amount": "-500,00",
                                                              "national_id": nid(2)},
                                                             {"account": "5000", "amount": "500,00"}])
    assert result.settled == [] and settlement.client_open_items(store, who, client) == []
