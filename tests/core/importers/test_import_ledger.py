"""The ledger importer: Skatteetaten's SAF-T sample, CSV, refusals."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from byraa.core.base.errors import AccessDenied, UserError
from byraa.core.importers import ledger
from byraa.core.importers.ledger import import_ledger
from byraa.core.store.models import ArchiveFile, Client
from byraa.core.store.models_reconcile import ReconLedger, ReconSource
from tests.builders import org, small_agency

SAMPLE = Path("/work/shared/samples/saft-financial-example-888888888.xml")
if not SAMPLE.exists():  # a checkout without the shared folder: the copy kept with the tests
    SAMPLE = Path(__file__).resolve().parents[2] / "data" / "reconcile" / "saft-financial-example-888888888.xml"


def _rows(store) -> int:  # noqa: ANN001
    with store.session() as s:
        return s.scalar(select(func.count()).select_from(ReconLedger)) + s.scalar(
            select(func.count()).select_from(ArchiveFile))


def test_skatteetaten_saft_sample_imports(store) -> None:
    small = small_agency(store)
    with store.session() as s:
        s.add(Client(org_number="888888888", name="Tøyen Lekefabrikk AS", created_at=datetime.now(UTC)))
    result = import_ledger(store, small.who(), SAMPLE)
    assert result.client == "888888888" and result.counts == {"accounts": 22, "lines": 170}
    with store.session() as s:
        postings = s.scalar(select(func.sum(ReconLedger.amount)).where(ReconLedger.kind == "posting"))
        assert postings == 0  # the journal balances
        wages = s.scalars(select(ReconLedger.amount).where(ReconLedger.account == "5000",
                                                           ReconLedger.kind == "posting")).all()
        assert wages and all(a > 0 for a in wages)
        source = s.scalars(select(ReconSource)).one()
        assert (source.period, source.period_to) == ("2017-01", "2017-04")
        assert s.get(ArchiveFile, source.archive_id).content == SAMPLE.read_bytes()
    with pytest.raises(UserError, match="ikke 310000019"):
        import_ledger(store, small.who(), SAMPLE, client=org(1))


def test_csv_import_replaces_the_months_it_covers(store, tmp_path: Path) -> None:
    small = small_agency(store)
    first = tmp_path / "gl.csv"
    first.write_text("account;period;amount;kind;text\n2600;2026-10;-12000,00;posting;trekk\n"
                     "2930;2026-10;500;posting;\n2940;2026-10;-100000;opening;IB\n", encoding="utf-8")
    import_ledger(store, small.who(), first, client=org(1))
    second = tmp_path / "gl2.csv"
    second.write_text("account,period,amount\n2600,2026-10,-13000.00\n", encoding="utf-8")
    import_ledger(store, small.who(), second, client=org(1))
    with store.session() as s:
        assert s.scalars(select(ReconLedger.amount)).all() == [-1300000]
        assert [x.active for x in s.scalars(select(ReconSource).order_by(ReconSource.id))] == [False, True]


@pytest.mark.parametrize("body, where", [
    ("account,period,amount\n2600,2026-10,12.345\n", "gl.csv, linje 3, kolonne amount"),
    ("account,period,amount\n2600,2026-13,1\n", "gl.csv, linje 3, kolonne period"),
    ("account,period,amount\n26 00,2026-10,1\n", "gl.csv, linje 3, kolonne account"),
    ("konto,periode,beløp\n", "gl.csv, linje 1"),
])
def test_bad_csv_is_refused_whole(store, tmp_path: Path, body: str, where: str) -> None:
    small = small_agency(store)
    path = tmp_path / "gl.csv"
    path.write_text("account,period,amount\n2600,2026-10,1\n" + body.split("\n", 1)[1] if "konto" not in body
                    else body, encoding="utf-8")
    before = _rows(store)
    with pytest.raises(UserError) as err:
        import_ledger(store, small.who(), path, client=org(1))
    assert where in str(err.value)
    assert _rows(store) == before


def test_bad_saft_org_number_and_access(store, tmp_path: Path) -> None:
    small = small_agency(store)
    bad = tmp_path / "saft.xml"
    bad.write_bytes(SAMPLE.read_bytes().replace(b"<n1:RegistrationNumber>888888888<", b"<n1:RegistrationNumber>888888887<", 1))
    before = _rows(store)
    with pytest.raises(UserError, match=r"saft.xml, <Header/Company/RegistrationNumber> \(linje 11\)"):
        import_ledger(store, small.who(), bad)
    csv = tmp_path / "gl.csv"
    csv.write_text("account,period,amount\n2600,2026-10,1\n", encoding="utf-8")
    with pytest.raises(AccessDenied):
        import_ledger(store, small.who("clerk"), csv, client=org(1))
    assert _rows(store) == before


def test_a_big_csv_is_spooled_and_archived_in_chunks(store, tmp_path: Path) -> None:
    import hashlib

    small = small_agency(store)
    path = tmp_path / "big.csv"
    # Over 4 MB in bytes (archived in chunks) and several of the importer's batches of
    # 5,000 lines, with long texts: the bytes, not the number of lines, make it big.
    count = 24_000
    filler = "x" * 190
    lines = [f"{5000 + n % 50};2026-{1 + n % 12:02d};{n},{n % 100:02d};2026-{1 + n % 12:02d}-15;V{n};Lønn {n} {filler}"
             for n in range(count)]
    path.write_text("account;period;amount;date;voucher;text\n" + "\n".join(lines) + "\n", encoding="utf-8")
    assert path.stat().st_size > 4 * 1024 * 1024  # over the size archived in one piece
    assert count > 4 * ledger.BATCH
    result = import_ledger(store, small.who(), path, client=org(1))
    assert result.counts == {"lines": count}
    with store.session() as s:
        archived = s.get(ArchiveFile, result.archive_id)
        assert archived is not None and bytes(archived.content) == path.read_bytes()
        assert archived.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
        total = s.scalar(select(func.sum(ReconLedger.amount)).where(ReconLedger.source_id == result.source_id))
        stored = s.scalar(select(func.count()).select_from(ReconLedger).where(ReconLedger.source_id == result.source_id))
        last = s.scalars(select(ReconLedger).where(ReconLedger.voucher == f"V{count - 1}")).one()
    assert stored == count
    assert total == sum(n * 100 + n % 100 for n in range(count))
    assert (last.account, last.period, str(last.entry_date), last.text) == (
        "5049", "2026-12", "2026-12-15", f"Lønn {count - 1} {filler}"[:200])
