"""``byraa doctor`` against the sandbox: one line per check, exit 0/1."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import httpx

from byraa.core.altinn import doctor
from byraa.core.altinn.connection import ConnectionSettings
from byraa.sandbox import SandboxState, create_app
from byraa.sandbox.ensure import register_configured_key
from tests.core.altinn.test_altinn_fixtures import AGENCY_ORG, CLIENT_ID, KEY_ID, write_key


def _setup(tmp_path: Path, **state: object) -> tuple[ConnectionSettings, SandboxState, httpx.ASGITransport]:
    from byraa.core.altinn.settings import settings_for

    key = write_key(tmp_path)
    settings = ConnectionSettings("sandbox", CLIENT_ID, KEY_ID, str(key), AGENCY_ORG, "http://sandbox",
                                  contact_email="lonn@byraa.example")
    sandbox = SandboxState(settings=settings_for("sandbox", base_url="http://sandbox"), **state)
    register_configured_key(sandbox, settings)
    return settings, sandbox, httpx.ASGITransport(app=create_app(sandbox))


async def test_every_check_passes_against_the_sandbox(tmp_path: Path) -> None:
    settings, _state, transport = _setup(tmp_path)
    checks = await doctor.run_checks(settings, transport=transport)
    names = [c.name for c in checks]
    assert names[:3] == ["settings", "key", "clock"]
    assert "scope skatteetaten:skattekorttilarbeidsgiver" in names and "scope digdir:dialogporten" in names
    assert names[-1] == "host http://sandbox"
    assert all(c.ok for c in checks), [c for c in checks if not c.ok]


async def test_skew_key_scope_and_settings_fail_one_line_each(tmp_path: Path) -> None:
    import time

    settings, state, transport = _setup(tmp_path)
    state.clock = lambda: time.time() - 60  # the server's Date lags a minute behind us
    state.keys[KEY_ID].scopes = frozenset({"skatteetaten:skattekorttilarbeidsgiver"})
    os.chmod(settings.key_path, 0o644)
    checks = {c.name: c for c in await doctor.run_checks(replace(settings, contact_email=""), transport=transport)}
    assert not checks["settings"].ok and "kontakt" in checks["settings"].detail.lower()
    assert not checks["key"].ok and "chmod 600" in checks["key"].detail
    assert not checks["clock"].ok and checks["clock"].detail.startswith(("+60 s", "+61 s"))
    assert not checks["scope skatteetaten:innrapporteringamelding"].ok
    os.chmod(settings.key_path, 0o600)
    state.clock = time.time
    checks = {c.name: c for c in await doctor.run_checks(settings, transport=transport)}
    assert checks["scope skatteetaten:skattekorttilarbeidsgiver"].ok
    assert not checks["scope skatteetaten:innrapporteringamelding"].ok
    assert "mangler scope" in checks["scope skatteetaten:innrapporteringamelding"].detail


async def test_an_unreachable_host_fails_its_line(tmp_path: Path) -> None:
    settings, _state, transport = _setup(tmp_path)

    class Partly(httpx.AsyncBaseTransport):
        async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
            if request.url.host == "sandbox":
                return await transport.handle_async_request(request)
            raise httpx.ConnectError("no route")

    checks = await doctor.run_checks(replace(settings, environment="test", base_url=None), transport=Partly())
    hosts = [c for c in checks if c.name.startswith("host ")]
    assert hosts and not any(c.ok for c in hosts)
    assert any("innrapporteringamelding.api.skatteetaten-test.no" in c.name for c in hosts)


def test_byraa_doctor_command_against_the_demo_sandbox(store, store_url: str, tmp_path: Path,
                                                       monkeypatch) -> None:  # noqa: ANN001

    from click.testing import CliRunner

    from byraa.cli.main import main
    from byraa.demo.database import connect_sandbox
    from tests.demo_copies import build_agency

    build_agency(store, clients=3, seed=3)  # built once per process, then copied
    # Nothing listens on the discard port: doctor starts a sandbox in-process, as commands do.
    connect_sandbox(store, "tester", tmp_path, base_url="http://127.0.0.1:9")
    monkeypatch.setenv("BYRAA_DATABASE_URL", store_url)
    result = CliRunner().invoke(main, ["doctor"])
    lines = result.output.strip().splitlines()
    assert len(lines) >= 7 and all(line.split()[0] in ("ok", "FEIL") for line in lines), result.output
    assert result.exit_code == 0, result.output
    # A key file others can read: that line fails, and so does the command.
    from byraa.core.altinn.connection import agency_connection

    os.chmod(agency_connection(store).key_path, 0o644)
    failed = CliRunner().invoke(main, ["doctor"])
    assert failed.exit_code == 1 and any(line.startswith("FEIL") and " key " in f" {line} "
                                         for line in failed.output.splitlines())
