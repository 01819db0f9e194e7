"""`archive show` masks national ids unless `--reveal` (audited); clerks cannot rename,
empty or delete the shared client groups."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from byraa.cli.main import main
from byraa.core.base.errors import AccessDenied
from byraa.core.base.ids import mask_national_id
from byraa.core.clients import archive, groups
from byraa.core.clients.archive import ArchiveRecord
from byraa.core.store.models import AuditEvent
from tests.builders import nid, org, small_agency

NID = nid(7)


def _reveals(store) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(AuditEvent)
                        .where(AuditEvent.action == "national_id.reveal")) or 0


def _archived(store) -> int:  # noqa: ANN001
    small_agency(store)
    body = f'{{"arbeidsgiver":"{org(1)}","personer":[{{"foedselsnummer":"{NID}","beloep":"12345678901x"}}]}}'
    return archive.StoreArchiver(store, "tester")(ArchiveRecord(
        "taxcard", "in", body.encode(), org_number=org(1), period="2026", content_type="application/json"))


def test_archive_show_masks_national_ids_and_reveal_is_audited(store, monkeypatch: pytest.MonkeyPatch) -> None:
    archive_id = _archived(store)
    monkeypatch.setenv("BYRAA_DATABASE_URL", store.url)
    runner = CliRunner()
    for args in (["archive", "show", str(archive_id)], ["archive", "show", "--raw", str(archive_id)]):
        shown = runner.invoke(main, args)
        assert shown.exit_code == 0, shown.output
        assert NID not in shown.output and mask_national_id(NID) in shown.output
        assert org(1) in shown.output  # org numbers (9 digits) are not masked
    assert _reveals(store) == 0
    revealed = runner.invoke(main, ["archive", "show", "--reveal", str(archive_id)])
    assert revealed.exit_code == 0 and NID in revealed.output
    raw = runner.invoke(main, ["archive", "show", "--raw", "--reveal", str(archive_id)])
    _entry, exact = archive.get(store, small_agency_who(store), archive_id, reveal=True)
    assert raw.stdout_bytes == exact and NID.encode() in exact
    assert _reveals(store) == 3


def small_agency_who(store):  # noqa: ANN001, ANN201
    from byraa.core.agency.identity import resolve

    return resolve(store, "tester")


def test_clerks_cannot_rename_empty_or_delete_shared_groups(store) -> None:
    small = small_agency(store)
    clerk, boss = small.who("clerk"), small.who()
    groups.create_group(store, clerk, "Mine")
    assert groups.add_clients(store, clerk, "Mine", org_numbers=[org(2)]) == 1
    for change in (lambda: groups.rename_group(store, clerk, "Utbetaling 20.", "Borte"),
                   lambda: groups.remove_clients(store, clerk, "Utbetaling 20.", org_numbers=[org(1)]),
                   lambda: groups.delete_group(store, clerk, "Utbetaling 20.")):
        with pytest.raises(AccessDenied):
            change()
    assert {g.name: g.clients for g in groups.list_groups(store)} == {"Mine": 1, "Utbetaling 20.": 2}
    groups.rename_group(store, boss, "Mine", "Vår")
    assert groups.remove_clients(store, boss, "Vår", org_numbers=[org(2)]) == 1
    assert groups.delete_group(store, boss, "Vår") == 0
