"""The hardened XML parser: hostile documents are refused cleanly, quoting nothing."""

from __future__ import annotations

import io
import tracemalloc
from pathlib import Path

import pytest

from byraa.core.files import xmlsafe
from byraa.core.files.xmlsafe import XmlRejected

SECRET = "TOPSECRET-4f1c2a"


@pytest.fixture
def secret_file(tmp_path: Path) -> Path:
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def hostile_corpus(secret_file: Path) -> dict[str, bytes]:
    return {
        "xxe_local_file": (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret_file}">]><r>&x;</r>'
        ).encode(),
        "billion_laughs": (
            b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
            + b"".join(
                f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">'.encode()
                for i in range(1, 10)
            )
            + b"]><lolz>&lol9;</lolz>"
        ),
        "external_dtd": f'<?xml version="1.0"?><!DOCTYPE r SYSTEM "file://{secret_file}"><r/>'.encode(),
        "external_dtd_http": b'<?xml version="1.0"?><!DOCTYPE r SYSTEM "http://127.0.0.1:9/x.dtd"><r/>',
        "parameter_entity": (
            f'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY % p SYSTEM "file://{secret_file}">%p;]><r/>'
        ).encode(),
        "utf16_doctype": '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY a "b">]><r>&a;</r>'.encode(
            "utf-16"),
        "truncated": b'<?xml version="1.0"?><r><a>1</a><b>',
        "not_xml": b"\x00\x01\x02 garbage",
        "empty": b"",
    }


def test_hostile_documents_are_refused_without_leaking(secret_file: Path) -> None:
    for name, data in hostile_corpus(secret_file).items():
        with pytest.raises(XmlRejected) as err:
            xmlsafe.parse_bytes(data)
        assert SECRET not in str(err.value), name
        assert "lol" not in err.value.reason, name
        assert len(err.value.reason) < 120, name


def test_xxe_without_doctype_scan_still_resolves_nothing(secret_file: Path) -> None:
    """Belt and braces: the parser itself never loads the entity even if the scan missed it."""
    from lxml import etree

    data = f'<!DOCTYPE r [<!ENTITY x SYSTEM "file://{secret_file}">]><r>&x;</r>'.encode()
    root = etree.fromstring(data, xmlsafe.make_parser())
    assert SECRET not in etree.tostring(root).decode()


def test_size_limit_is_checked_before_reading(tmp_path: Path) -> None:
    big = tmp_path / "big.xml"
    with big.open("wb") as fh:
        fh.write(b"<r>")
        fh.seek(50 * 1024 * 1024)
        fh.write(b"</r>")
    tracemalloc.start()
    try:
        with pytest.raises(XmlRejected, match="over grensen"):
            xmlsafe.parse_file(big)
        with pytest.raises(XmlRejected, match="over grensen"):
            list(xmlsafe.iterparse(big))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024


def test_streamed_document_over_the_limit_stops_reading() -> None:
    stream = io.BytesIO(b"<r>" + b"<a>x</a>" * 200_000 + b"</r>")
    with pytest.raises(XmlRejected, match="over grensen"):
        for _event, el in xmlsafe.iterparse(stream, max_bytes=100_000):
            el.clear()


def test_iterparse_refuses_doctype_and_reads_good_documents(secret_file: Path) -> None:
    bad = io.BytesIO(hostile_corpus(secret_file)["xxe_local_file"])
    with pytest.raises(XmlRejected, match="DOCTYPE"):
        list(xmlsafe.iterparse(bad))
    good = io.BytesIO(b"<r><a>1</a><a>2</a></r>")
    values = [el.text for _e, el in xmlsafe.iterparse(good, tag="a")]
    assert values == ["1", "2"]
    with pytest.raises(XmlRejected, match="ikke velformet"):
        list(xmlsafe.iterparse(io.BytesIO(b"<r><a>1</a>")))


def test_good_document_parses_and_pretty_prints() -> None:
    root = xmlsafe.parse_bytes(b'<?xml version="1.0"?><r xmlns="urn:x"><!-- c --><a>1</a></r>')
    assert xmlsafe.local_name(root) == "r" and xmlsafe.namespace(root) == "urn:x"
    text = xmlsafe.pretty(b"<r><a>1</a></r>")
    assert text == "<r>\n  <a>1</a>\n</r>\n"
