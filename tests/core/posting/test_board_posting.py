"""The pay-day board shows a month as booked ("bokført") from posting control."""

from __future__ import annotations

from pathlib import Path

from byraa.core.clients import groups
from byraa.core.posting import service
from byraa.core.posting.journal import import_journal
from tests.core.posting.test_posting import agency, good_lines, journal  # noqa: F401  (fixture)


def _alfa(store, who):  # noqa: ANN001, ANN202
    board = groups.board(store, who, "Utbetaling 20.", "2026-10")
    return next(r for r in board.rows if r.name == "Alfa Rør AS"), board


def test_the_board_follows_the_posting_of_the_month(agency, store, tmp_path: Path) -> None:  # noqa: F811
    small, who, client = agency
    before, board = _alfa(store, who)
    assert (before.run_status, before.posting_status, before.done) == ("open", None, False)
    lines = [{**x, "period": "2026-10"} for x in good_lines()]
    import_journal(store, who, journal(tmp_path, lines), client=client)
    service.set_settings(store, who, client, error_account="7999", error_customer="99999",
                         subledger_accounts=["2930"], open_years=["2026"])
    service.freeze(store, who, client, "2026-10")
    frozen, _ = _alfa(store, who)
    assert (frozen.run_status, frozen.posting_status) == ("frozen", "frozen")
    # An off-cycle run of the month still open does not hold the regular month back.
    off = journal(tmp_path, [{**x, "period": "2026-10", "off_cycle": "ja"} for x in good_lines()], name="off.csv")
    import_journal(store, who, off, client=client)
    service.post(store, who, client, "2026-10")
    posted, board = _alfa(store, who)
    # Posted in byraa and the a-melding accepted: the client is done on the board.
    assert (posted.run_status, posted.posting_status, posted.done) == ("posted", "posted", True)
    assert board.done == 1
    # A second pay form of the month still open: the month is not booked.
    other = journal(tmp_path, [{**x, "period": "2026-10", "pay_form": "02"} for x in good_lines()], name="02.csv")
    import_journal(store, who, other, client=client)
    assert _alfa(store, who)[0].run_status == "open"
