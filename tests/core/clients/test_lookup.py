"""Every service that takes a client's org number from a user resolves it the same way:
one not-found code (naming the file when the number came from one) and the access check."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from byraa.core.altinn import connection
from byraa.core.base.errors import AccessDenied, NotFound, UserError
from byraa.core.clients import archive, feedback
from byraa.core.clients.employees import list_employees
from byraa.core.clients.lookup import find_client, resolve_client
from byraa.core.reconcile import corrections, runs
from byraa.core.reconcile.checks import mapping
from byraa.core.taxcards.store import list_cards
from tests.builders import org, small_agency

SERVICES: dict[str, Callable[[Any, Any, str], Any]] = {
    "altinn connection": lambda store, who, o: connection.connection_for_client(store, who, o),
    "tax cards": lambda store, who, o: list_cards(store, who, o),
    "archive": lambda store, who, o: archive.list_files(store, who, client=o),
    "feedback": lambda store, who, o: feedback.for_client(store, who, o, "2026-10"),
    "corrections": lambda store, who, o: corrections.list_corrections(store, who, o),
    "reconciliation runs": lambda store, who, o: runs.list_runs(store, who, o),
    "reconciliation settings": lambda store, who, o: mapping.get(store, who, o),
    "employees": lambda store, who, o: list_employees(store, who, o),
}


@pytest.mark.parametrize("service", sorted(SERVICES))
def test_every_service_refuses_an_unknown_client_and_one_without_access_alike(store, service: str) -> None:
    small = small_agency(store)
    call = SERVICES[service]
    with pytest.raises(NotFound) as unknown:
        call(store, small.who(), org(60))
    assert unknown.value.code == "client.not_found" and unknown.value.params == {"org": org(60)}
    assert str(unknown.value) == f"ingen klient med organisasjonsnummer {org(60)}"
    with pytest.raises(AccessDenied):  # client A: the clerk holds no grant on it
        call(store, small.who("clerk"), org(1))
    try:  # client B: granted, so past the lookup (a service may still refuse for its own reasons)
        call(store, small.who("clerk"), org(2))
    except (NotFound, AccessDenied):
        raise
    except UserError as exc:
        assert exc.code not in ("client.not_found", "client.not_found_in_file")


def test_resolve_client_gives_the_client_and_names_the_file(store) -> None:
    small = small_agency(store)
    with store.session() as session:
        client = resolve_client(session, small.who("clerk"), org(2))
        assert client.id == small.clients["B"]
        spaced = f"{org(2)[:3]} {org(2)[3:6]} {org(2)[6:]}"
        assert resolve_client(session, small.who(), spaced).id == client.id  # as typed, with spaces
        assert find_client(session, org(1)).id == small.clients["A"]  # no access check
        with pytest.raises(NotFound) as in_file:
            resolve_client(session, small.who(), org(60), file="mars.xml")
    assert in_file.value.code == "client.not_found_in_file"
    assert str(in_file.value).startswith(f"mars.xml: ingen klient med organisasjonsnummer {org(60)}")


def test_a_file_naming_an_unknown_client_is_refused_with_the_file_named(store, tmp_path: Path) -> None:
    from byraa.core.importers.amelding import import_amelding
    from tests.data.reconcile import build as b

    small = small_agency(store)
    path = b.write_amelding(tmp_path / "okt.xml", b.amelding(org(60), "2026-10", []))
    with pytest.raises(NotFound) as refused:
        import_amelding(store, small.who(), path)
    assert refused.value.code == "client.not_found_in_file" and refused.value.params["file"] == "okt.xml"
