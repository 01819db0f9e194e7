"""Connection settings: stored as a path (never a key), audited, and tested step by step."""

from __future__ import annotations

import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from byraa.core.altinn import connection
from byraa.core.altinn.connection import ConnectionSettings
from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.store.models import AuditEvent
from byraa.core.store.models_altinn import AltinnConnection
from tests.builders import org, small_agency
from tests.core.altinn.test_altinn_fixtures import AGENCY_ORG, CLIENT_ID, KEY_ID, key_pair, make_rig, write_key


def _settings(key: Path, **changes) -> ConnectionSettings:  # noqa: ANN003
    values = {"environment": "sandbox", "client_id": CLIENT_ID, "key_id": KEY_ID, "key_path": str(key),
              "system_user_org": AGENCY_ORG, "base_url": "http://sandbox"}
    values.update(changes)
    return ConnectionSettings(**values)


def test_settings_are_stored_as_a_path_and_audited(store, tmp_path: Path) -> None:
    small = small_agency(store)
    key = write_key(tmp_path)
    with pytest.raises(AccessDenied):
        connection.set_agency_connection(store, small.who("clerk"), _settings(key))
    loose = write_key(tmp_path, n=0, mode=0o640)
    with pytest.raises(UserError, match="kan leses av andre"):
        connection.set_agency_connection(store, small.who(), _settings(loose))
    loose.chmod(0o600)
    with pytest.raises(UserError, match="systembrukerens organisasjonsnummer"):
        connection.set_agency_connection(store, small.who(), _settings(key, system_user_org="123"))
    connection.set_agency_connection(store, small.who(), _settings(key))
    connection.set_agency_connection(store, small.who(), _settings(key, key_id="other"))
    assert connection.agency_connection(store).key_id == "other"
    with store.session() as s:
        row = s.scalars(select(AltinnConnection)).one()
        assert row.key_path == str(key)
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action == "altinn_connection.set")
                                .order_by(AuditEvent.id)))
    assert len(events) == 2 and '"key_id": "test-key-1"' in events[1].before and '"other"' in events[1].after
    private = key_pair(0)[0].decode()
    assert all("PRIVATE KEY" not in (e.after or "") for e in events) and private not in str(row)
    # Per client: the agency's settings, or its own.
    assert connection.connection_for_client(store, small.who(), org(1)).scope == "agency"
    connection.set_client_connection(store, small.who(), org(1), _settings(key, client_id="own"))
    own = connection.connection_for_client(store, small.who(), org(1))
    assert own.client_id == "own" and own.scope.startswith("client:")
    connection.set_client_connection(store, small.who(), org(1), None)
    assert connection.connection_for_client(store, small.who(), org(1)).scope == "agency"
    with pytest.raises(AccessDenied):
        connection.connection_for_client(store, small.who("clerk"), org(1))


async def test_connection_steps_in_words(tmp_path: Path) -> None:
    rig = make_rig(tmp_path)
    key = write_key(tmp_path)
    transport = httpx.ASGITransport(app=rig.app)
    steps = await connection.test_connection(_settings(key), transport=transport)
    assert [(s.step, s.ok) for s in steps] == [("token", True), ("exchange", True), ("call", True)]

    wrong = write_key(tmp_path, n=1)
    steps = await connection.test_connection(_settings(wrong), transport=transport)
    assert steps[0].step == "token" and not steps[0].ok and steps[0].code == "altinn.token_wrong_key"
    assert steps[0].detail.startswith("feil nøkkel")

    rig.state.keys[KEY_ID].scopes = frozenset({"altinn:something"})
    steps = await connection.test_connection(_settings(key), transport=transport)
    assert steps[0].code == "altinn.token_missing_scope" and steps[0].detail.startswith("mangler scope")
    rig.state.keys[KEY_ID].scopes = None

    rig.state.keys[KEY_ID].system_user_orgs = frozenset({org(7)})
    steps = await connection.test_connection(_settings(key), transport=transport)
    assert steps[0].code == "altinn.token_no_system_user" and steps[0].detail.startswith("ingen systembruker")
    rig.state.keys[KEY_ID].system_user_orgs = None

    rig.state.clock = lambda: time.time() + 300  # the sandbox's clock runs five minutes ahead
    steps = await connection.test_connection(_settings(key), transport=transport)
    assert steps[0].code == "altinn.token_clock_skew" and steps[0].detail.startswith("klokkeavvik")

    loose = write_key(tmp_path, n=2, mode=0o644)
    steps = await connection.test_connection(_settings(loose), transport=transport)
    assert [(s.step, s.ok, s.code) for s in steps] == [("settings", False, "altinn.key_readable_by_others")]
    assert "chmod 600" in steps[0].detail


def test_contact_is_kept_and_a_client_without_one_uses_the_agencys(store, tmp_path: Path) -> None:
    from dataclasses import replace

    small = small_agency(store)
    key = write_key(tmp_path)
    connection.set_agency_connection(store, small.who(), _settings(key, contact_email="lonn@byraa.example",
                                                                   contact_phone="+47 912 34 567"))
    agency = connection.agency_connection(store)
    assert (agency.contact_email, agency.contact_phone) == ("lonn@byraa.example", "+4791234567")
    assert connection.build_client(agency).settings.contact_email == "lonn@byraa.example"
    with pytest.raises(UserError) as err:
        connection.validate(replace(agency, contact_email="not an address"), check_key=False)
    assert err.value.code == "altinn.contact_email_invalid"
    connection.set_client_connection(store, small.who(), org(1), _settings(key, client_id="own"))
    assert connection.connection_for_client(store, small.who(), org(1)).contact_email == "lonn@byraa.example"


def _key_file(directory: Path, name: str, data: bytes) -> Path:
    path = directory / name
    path.write_bytes(data)
    path.chmod(0o600)
    return path


def test_a_key_file_that_is_no_rsa_private_key_is_refused_when_saved(store, tmp_path: Path) -> None:
    """Garbage, a public key, an EC key or a passphrase-protected key is refused by name
    when the settings are saved, and by the connection test, not by a crash in the token
    request."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    small = small_agency(store)
    ec_key = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    locked = serialization.load_pem_private_key(key_pair(0)[0], password=None).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"))
    bad = {
        "garbage.pem": (b"-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n",
                        "altinn.key_not_pem", "ingen privat nøkkel i PEM-format"),
        "public.pem": (key_pair(0)[1], "altinn.key_public", "en offentlig nøkkel"),
        "ec.pem": (ec_key, "altinn.key_not_rsa", "en EC-nøkkel"),
        "locked.pem": (locked, "altinn.key_encrypted", "beskyttet med passord"),
    }
    for name, (data, code, words) in bad.items():
        path = _key_file(tmp_path, name, data)
        with pytest.raises(UserError) as refused:
            connection.set_agency_connection(store, small.who(), _settings(path))
        assert refused.value.code == code, name
        assert str(path) in str(refused.value) and words in str(refused.value), (name, str(refused.value))
    assert connection.agency_connection(store) is None


async def test_a_key_file_that_is_no_rsa_private_key_fails_the_connection_test(tmp_path: Path) -> None:
    path = _key_file(tmp_path, "garbage.pem", b"not a key")
    steps = await connection.test_connection(_settings(path))
    assert [(s.step, s.ok, s.code) for s in steps] == [("settings", False, "altinn.key_not_pem")]


def test_the_key_is_read_once_for_many_assertions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each token request signs a new assertion; the key file's content is parsed once."""
    import jwt
    from cryptography.hazmat.primitives import serialization

    from byraa.core.altinn import maskinporten

    maskinporten.signing_key.cache_clear()
    reads: list[bytes] = []
    real = serialization.load_pem_private_key

    def counting(data, password=None, **kwargs):  # noqa: ANN001, ANN003, ANN202
        reads.append(data)
        return real(data, password, **kwargs)

    monkeypatch.setattr(serialization, "load_pem_private_key", counting)
    credentials = maskinporten.Credentials(client_id=CLIENT_ID, key_id=KEY_ID, key_path="unused")
    private, public = key_pair(0)
    assertions = [maskinporten.build_assertion(credentials, private, audience="aud", scope="s", now=time.time())
                  for _ in range(5)]
    assert len(reads) == 1 and len(set(assertions)) == 5
    for assertion in assertions:
        assert jwt.decode(assertion, public, algorithms=["RS256"], audience="aud")["scope"] == "s"
    with pytest.raises(maskinporten.AltinnError) as refused:
        maskinporten.build_assertion(credentials, b"not a key", audience="aud", scope="s", now=time.time())
    assert refused.value.kind == "config" and refused.value.words == ("altinn.key_not_pem", {"path": "unused"})
