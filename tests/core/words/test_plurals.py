"""One of a thing is one: "1 klient", not "1 klienter", wherever a count can be 1."""

from __future__ import annotations

from datetime import date

import pytest

from byraa.core.clients.dashboard import Attention
from byraa.core.words import i18n, labels
from tests.tui_support import language_restored


@pytest.fixture(params=["nb", "en"])
def language(request: pytest.FixtureRequest):  # noqa: ANN201
    with language_restored():
        i18n.set_language(request.param)
        yield request.param


def test_the_dashboards_deadline_line_counts_one_client(language: str) -> None:
    def line(n: int) -> str:
        return labels.attention(Attention("amelding_deadline", "warning", period="2026-11", due=date(2026, 12, 7),
                                          count=n))

    if language == "nb":
        assert line(1) == "A-melding november 2026, frist 07.12.2026: 1 klient mangler godkjenning"
        assert line(4) == "A-melding november 2026, frist 07.12.2026: 4 klienter mangler godkjenning"
    else:
        assert line(1).endswith("1 client not yet accepted") and line(4).endswith("4 clients not yet accepted")


def test_group_and_access_commands_count_one(store, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: ANN001
    from click.testing import CliRunner

    from byraa.cli.main import main
    from tests.builders import org, small_agency

    small_agency(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    monkeypatch.setenv("BYRAA_USER", "tester")
    with language_restored():
        def run(*args: str) -> str:
            result = CliRunner().invoke(main, ["--lang", "nb", *args], catch_exceptions=False)
            assert result.exit_code == 0, result.output
            return result.output

        run("groups", "create", "Utbetaling 25.")
        assert run("groups", "add", "Utbetaling 25.", org(1)) == "La 1 klient til i «Utbetaling 25.».\n"
        assert run("groups", "add", "Utbetaling 25.", org(2), org(3)) == "La 2 klienter til i «Utbetaling 25.».\n"
        assert run("groups", "remove", "Utbetaling 25.", org(1)) == "Fjernet 1 klient fra «Utbetaling 25.».\n"
        assert run("access", "grant", "clerk", org(3), "--role", "associate") == "1 tilgang endret for clerk.\n"
