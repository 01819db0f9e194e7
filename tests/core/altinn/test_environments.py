"""Altinn environments come from a registry: the sandbox is provided explicitly, never a
fallback core starts on its own."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from byraa.core.altinn import connection, environments
from byraa.core.altinn.connection import ConnectionSettings
from byraa.core.base.errors import UserError
from tests.builders import org, small_agency
from tests.core.altinn.test_altinn_fixtures import AGENCY_ORG, CLIENT_ID, KEY_ID, write_key


def _settings(key: Path, environment: str = "sandbox") -> ConnectionSettings:
    return ConnectionSettings(environment, CLIENT_ID, KEY_ID, str(key), AGENCY_ORG,
                              "http://127.0.0.1:9" if environment == "sandbox" else None)


async def _base(client: Any) -> str:
    return client.settings.skatteetaten_base


def test_without_a_provider_the_sandbox_environment_is_refused_in_words(store, tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    small = small_agency(store)
    connection.set_agency_connection(store, small.who(), _settings(write_key(tmp_path)))
    monkeypatch.delitem(environments._providers, "sandbox")
    with pytest.raises(UserError) as refused:
        connection.run_for_client(store, small.who(), org(1), _base)
    assert refused.value.code == "environment.unavailable"
    assert "sandbox" in str(refused.value) and "ikke tilgjengelig" in str(refused.value)


async def test_connection_test_reports_a_missing_provider_as_its_first_step(store, tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(environments._providers, "sandbox")
    steps, moved_from = await connection.test_where_configured(store, _settings(write_key(tmp_path)))
    assert [(s.step, s.ok) for s in steps] == [("settings", False)] and moved_from is None
    assert "ikke tilgjengelig" in steps[0].detail


def test_real_environments_are_used_as_stored(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delitem(environments._providers, "sandbox")
    stored = _settings(write_key(tmp_path), "test")
    with environments.effective(None, stored, ready_after_polls=3) as used:  # type: ignore[arg-type]
        assert used is stored


def test_a_registered_provider_serves_the_block_with_the_callers_options(store, tmp_path: Path,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    small = small_agency(store)
    connection.set_agency_connection(store, small.who(), _settings(write_key(tmp_path)))
    calls: list[tuple[str, dict[str, Any]]] = []

    @contextmanager
    def provider(the_store: Any, settings: ConnectionSettings, **options: Any) -> Iterator[ConnectionSettings]:
        assert the_store is store
        calls.append(("enter", options))
        yield replace(settings, base_url="http://provided.invalid")
        calls.append(("exit", {}))

    monkeypatch.setitem(environments._providers, "sandbox", provider)
    base = connection.run_for_client(store, small.who(), org(1), _base, environment_options={"ready_after_polls": 4})
    assert base == "http://provided.invalid"
    assert calls == [("enter", {"ready_after_polls": 4}), ("exit", {})]


def test_core_paths_that_talk_to_altinn_never_import_the_sandbox_or_the_demo() -> None:
    code = (
        "import sys\n"
        "import byraa.core.altinn.connection, byraa.core.taxcards.fetch, byraa.core.reconcile.a07_fetch\n"
        "import byraa.core.reconcile.corrections, byraa.core.altinn.environments\n"
        "print(','.join(sorted(m for m in sys.modules if m.startswith(('byraa.sandbox', 'byraa.demo')))))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_the_cli_entry_registers_the_sandbox_provider(monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from byraa.cli.main import main
    from byraa.sandbox.ensure import sandbox_for

    monkeypatch.delitem(environments._providers, "sandbox")
    CliRunner().invoke(main, ["locate"])
    assert environments.provider_for("sandbox") is sandbox_for


def test_one_resolver_of_stored_settings_for_a_client_and_for_the_bulk_fetch(store, tmp_path: Path) -> None:
    from byraa.core.store.models import Client
    from byraa.core.taxcards import fetch

    small = small_agency(store)
    who = small.who()
    # Nothing entered yet: the same refusal from a client's call and from a bulk fetch.
    with pytest.raises(UserError) as single:
        connection.connection_for_client(store, who, org(1))
    job_id = fetch.start_fetch(store, who, fetch.plan_fetch(store, who, fetch.Selection(clients=(org(1),)), 2026))
    with pytest.raises(UserError) as bulk:
        fetch.run_fetch_blocking(store, who, job_id)
    assert single.value.code == bulk.value.code == "connection.agency_not_set_up"
    assert str(single.value) == str(bulk.value) and "ikke satt opp" in str(bulk.value)

    stored = _settings(write_key(tmp_path))
    connection.set_agency_connection(store, who, stored)
    assert connection.settings_for_scope(store, "agency") == connection.connection_for_client(store, who, org(1))
    # A client set to use its own settings that were never entered: named by its org number.
    with store.session() as s:
        client = s.get(Client, small.clients["B"])
        client.uses_agency_altinn = False
        s.add(client)
    with pytest.raises(UserError) as own:
        connection.connection_for_client(store, who, org(2))
    assert own.value.code == "connection.client_settings_missing" and own.value.params == {"org": org(2)}
    with pytest.raises(UserError) as by_scope:
        connection.settings_for_scope(store, f"client:{small.clients['B']}")
    assert str(by_scope.value) == str(own.value)
