"""The headless commands refuse in bokmål: exit 2, one line on stderr, no English sentence.

Each case is a refusal a script or a person meets (unknown client, bad period, a clerk
trying a manager's action, a flag click refuses); the line must be the words module's
bokmål, not an English sentence from the core or from click.
"""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from byraa.cli.main import main
from tests.builders import org, small_agency

ENGLISH = re.compile(r"\b(the|not|no|is|are|cannot|must|only|with|was|has|given|exists|required|choose)\b",
                     re.IGNORECASE)
"""English function words: none may stand in a bokmål refusal (domain words and flags may)."""

CASES = [
    ("unknown client", ["employees", "list", "--client", "999999999"], "tester", "999999999"),
    ("unknown client, tax cards", ["taxcards", "list", "--client", org(9)], "tester", org(9)),
    ("bad period", ["dashboard", "--period", "2026-13"], "tester", "2026-13"),
    ("bad period, employees", ["employees", "list", "--client", org(1), "--period", "nov"], "tester", "nov"),
    ("bad org number", ["clients", "add", "123", "--name", "Ny AS"], "tester", "9 sifre"),
    ("check digit", ["clients", "add", "310000028", "--name", "Ny AS"], "tester", "kontrollsifferet"),
    ("existing client", ["clients", "add", org(1), "--name", "Ny AS"], "tester", org(1)),
    ("missing file", ["import", "amelding", "/nonexistent/a.xml"], "tester", "/nonexistent/a.xml"),
    ("unknown group", ["groups", "show", "Finnes ikke"], "tester", "Finnes ikke"),
    ("existing group", ["groups", "create", "Utbetaling 20."], "tester", "Utbetaling 20."),
    ("unknown staff login", ["access", "grant", "ghost", org(1)], "tester", "ghost"),
    ("not a staff user", ["clients", "list"], "ghost", "ghost"),
    ("clerk refused a manager action", ["clients", "add", org(7), "--name", "Ny AS"], "clerk", "clerk"),
    ("clerk refused access changes", ["access", "grant", "other", org(2)], "clerk", "byråleder"),
    ("bad --format", ["clients", "list", "--format", "xml"], "tester", "--format"),
    ("unknown option", ["clients", "list", "--nope"], "tester", "--nope"),
    ("missing required option", ["employees", "list"], "tester", "--client"),
    ("unknown subcommand", ["feedback", org(1)], "tester", org(1)),
    ("an argument too many", ["clients", "list", "Alfa"], "tester", "Alfa"),
    ("reconcile bad --check", ["reconcile", "--client", org(1), "--period", "2026-10", "--check", "nope"],
     "tester", "--check"),
    ("reconcile without a target", ["reconcile", "--period", "2026-10"], "tester", "--period"),
    ("reconcile bad --tolerance", ["reconcile", "--client", org(1), "--period", "2026-10", "--tolerance", "aga"],
     "tester", "aga"),
    ("taxcards year out of range", ["taxcards", "fetch", "--client", org(1), "--year", "2030"], "tester", "2030"),
    ("taxcards without a year", ["taxcards", "fetch", "--client", org(1)], "tester", "--year"),
    ("taxcards with no Altinn connection", ["taxcards", "fetch", "--client", org(1), "--year", "2026"], "tester",
     "Altinn-tilkobling"),
    ("deadlines bad date", ["deadlines", "--from", "2026-13-01"], "tester", "2026-13-01"),
    ("deadlines backwards", ["deadlines", "--from", "2026-12-01", "--to", "2026-11-01"], "tester", "--to"),
    ("report xlsx without --out", ["reports", "term", "--year", "2026", "--term", "5", "--format", "xlsx"],
     "tester", "--out"),
    ("unknown archived file", ["archive", "show", "99999"], "tester", "99999"),
    ("no feedback archived", ["feedback", "show", org(3), "--period", "2026-01"], "tester", org(3)),
]


@pytest.fixture
def run(sqlite_store, monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    small_agency(sqlite_store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", sqlite_store.url)

    def invoke(args: list[str], user: str):  # noqa: ANN202
        monkeypatch.setenv("BYRAA_USER", user)
        return CliRunner().invoke(main, ["--lang", "nb", *args], catch_exceptions=False)

    return invoke


@pytest.mark.parametrize(("name", "args", "user", "named"), CASES, ids=[c[0] for c in CASES])
def test_refusal_is_one_bokmal_line(run, name: str, args: list[str], user: str, named: str) -> None:  # noqa: ANN001
    result = run(args, user)
    lines = result.stderr.splitlines()
    assert result.exit_code == 2, (name, result.output)
    assert len(lines) == 1 and lines[0].startswith("byraa: "), (name, result.stderr)
    assert named in lines[0], (name, lines[0])
    english = ENGLISH.findall(lines[0])
    assert not english, (name, lines[0], english)


def test_the_english_check_can_fail(run) -> None:  # noqa: ANN001
    """The same refusal under --lang en is English, and the check finds it."""
    result = CliRunner().invoke(main, ["--lang", "en", "groups", "show", "Finnes ikke"], catch_exceptions=False)
    assert result.exit_code == 2 and ENGLISH.search(result.stderr), result.stderr


@pytest.mark.parametrize(("lang", "words", "codes"), [
    ("nb", ("Frist", "Forfall", "terminbetaling", "a-melding"), ("term_payment", "Due")),
    ("en", ("Deadline", "Due date", "term payment", "a-melding"), ("term_payment", "Forfall")),
])
def test_deadline_table_words_its_kinds(run, lang: str, words: tuple[str, ...], codes: tuple[str, ...]) -> None:  # noqa: ANN001
    """The deadline kinds are words of the user's language, not the store's codes."""
    result = CliRunner().invoke(main, ["--lang", lang, "deadlines", "--from", "2026-12-01", "--to", "2027-01-31"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for word in words:
        assert word in result.stdout, (word, result.stdout)
    for code in codes:
        assert code not in result.stdout, (code, result.stdout)
