"""``D`` on the posting screen lists the client's address differences (the comparison itself
is tested against the sandbox in tests/core/clients/test_addresses.py; here its result is given)."""

from __future__ import annotations

import pytest

from byraa.core.clients import addresses
from byraa.tui.app import ByraaApp
from byraa.tui.widgets.dialogs import TextViewer
from tests.builders import nid, org
from tests.tui.test_tui_posting import open_posting, posting_store  # noqa: F401  (fixture)
from tests.tui_support import screen_text, settle, workspace


async def test_D_shows_the_differences_masked_and_flags_the_zone(posting_store, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811, N802, E501
    result = addresses.Comparison(org(1), 2, 1, True,
                                  [addresses.PersonDifference(nid(2), "Person A0", ("Elvegata 1", "1363", "Høvik"),
                                                              ("Storgata 2", "0150", "OSLO"),
                                                              ("address", "postal_code", "city"))],
                                  [addresses.UnitDifference(org(11), "Alfa avd. 1", "Oslo", "BERGEN", "4601",
                                                            "Storgata 3, 5003 BERGEN", "1", ("municipality",))])
    asked: list[str] = []

    def compare_client(store, who, org_number):  # noqa: ANN001, ANN202
        asked.append(org_number)
        return result

    monkeypatch.setattr(addresses, "compare_client", compare_client)
    app = ByraaApp(workspace(posting_store))
    async with app.run_test(size=(80, 24)) as pilot:
        await open_posting(pilot)
        await pilot.press("D")
        await settle(pilot)
        assert isinstance(app.screen, TextViewer) and asked == [org(1)]
        text = screen_text(app)
        assert "Storgata 2 0150 OSLO" in text and nid(2) not in text and nid(2)[:6] in text
        assert "sjekk AGA-sonen (nå 1)" in text
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, TextViewer)
