"""The one way byraa reads XML: a hardened lxml parser and a size limit.

Every XML document byraa reads (tax-card answers, a-meldinger, A07 files, SAF-T) comes
from outside and may be hostile. This module is the only place that builds an lxml
parser, with:

- no entity substitution, no DTD loading or validation, no network access;
- ``huge_tree`` off (libxml2's own limits on depth and text node size stay on);
- a byte-size limit checked *before* anything is parsed (a file's size from ``stat``);
- any ``<!DOCTYPE`` refused outright, so internal entity bombs (billion laughs) and
  external DTDs never reach the parser.

Failures raise ``XmlRejected`` with a short reason that never quotes the document (it
may hold national ids, or the contents of a file an XXE tried to pull in).
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from lxml import etree

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
"""20 MB: far above a tax-card answer for 1 000 persons or a large client's a-melding."""

# "<!DOCTYPE" as it looks in the encodings a document may declare (UTF-8/ASCII/Latin-1,
# UTF-16 both ways). A doctype may only stand before the root element, but a scan of the
# whole document costs little and also catches one hidden behind a long comment.
_DOCTYPE_MARKERS = tuple(
    "<!DOCTYPE".encode(enc) for enc in ("ascii", "utf-16-le", "utf-16-be")
)
_DOCTYPE_MARKERS += tuple(m.lower() for m in _DOCTYPE_MARKERS)


class XmlRejected(ValueError):
    """An XML document byraa will not read: a words code and its parameters (quoting nothing).

    ``reason`` is the short sentence in the current language (``byraa.core.words.errors``).
    """

    def __init__(self, code: str, /, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params

    @property
    def reason(self) -> str:
        from byraa.core.words.errors import render

        return render(self.code, self.params)

    def __str__(self) -> str:
        return self.reason


def make_parser(*, remove_comments: bool = True) -> etree.XMLParser:
    """The hardened parser (a new one each call: lxml parsers are not thread-safe)."""
    from lxml import etree

    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=remove_comments,
        remove_pis=True,
        collect_ids=False,
    )


def _check_size(size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise XmlRejected("xml.too_big", size=f"{size:,}", limit=f"{max_bytes:,}")


def _has_doctype(chunk: bytes) -> bool:
    return any(marker in chunk for marker in _DOCTYPE_MARKERS)


_ENCODINGS = {"utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin1", "latin-1", "iso-8859-15",
              "windows-1252", "cp1252", "utf-16", "utf-16le", "utf-16be"}
"""Declared encodings byraa reads. Others (UTF-7 above all, where ``<!DOCTYPE`` is
``+ADw-!DOCTYPE``) would hide markup from the DOCTYPE scan, so they are refused."""
_DECLARED = re.compile(r"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _check_encoding(head: bytes) -> None:
    """Refuse a document that declares an encoding outside ``_ENCODINGS``."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or head[:2].count(0):
        try:
            text = head.decode("utf-16-le" if head[:2] in (b"\xff\xfe", b"<\x00") else "utf-16-be",
                               errors="ignore").lstrip("\ufeff")
        except (LookupError, ValueError):
            text = ""
    else:
        text = head.decode("latin-1").lstrip("\ufeff").lstrip("\xef\xbb\xbf")
    match = _DECLARED.match(text)
    if match and match.group(1).strip().lower() not in _ENCODINGS:
        raise XmlRejected("xml.bad_encoding", encoding=match.group(1)[:20])


def _syntax_error(exc: Exception) -> XmlRejected:
    line = getattr(exc, "lineno", None)
    position = getattr(exc, "position", None)
    if line and position and len(position) > 1 and position[1]:
        return XmlRejected("xml.not_well_formed_at", line=line, column=position[1])
    if line:
        return XmlRejected("xml.not_well_formed_line", line=line)
    return XmlRejected("xml.not_well_formed")


def parse_bytes(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    """Parse a whole document held in memory; returns the root element."""
    from lxml import etree

    if not isinstance(data, bytes | bytearray | memoryview):
        raise XmlRejected("xml.not_bytes")
    data = bytes(data)
    _check_size(len(data), max_bytes)
    if not data.strip():
        raise XmlRejected("xml.empty")
    if _has_doctype(data):
        raise XmlRejected("xml.doctype")
    _check_encoding(data[:512])
    try:
        root = etree.fromstring(data, make_parser())
    except etree.XMLSyntaxError as exc:
        raise _syntax_error(exc) from None
    except (ValueError, etree.LxmlError) as exc:
        raise XmlRejected("xml.unreadable", reason=type(exc).__name__) from None
    if root is None:
        raise XmlRejected("xml.no_root")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise XmlRejected("xml.doctype")
    return root


def _regular_size(path: Path) -> int:
    """The size of a regular file (a symlink to a device or a FIFO would be read forever)."""
    try:
        info = path.stat()
    except OSError as exc:
        raise XmlRejected("xml.cannot_read", reason=exc.strerror or type(exc).__name__) from None
    if not stat.S_ISREG(info.st_mode):
        raise XmlRejected("xml.not_regular")
    return info.st_size


def read_limited(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> bytes:
    """A file's bytes, refused by its size before any of it is read."""
    p = Path(path)
    _check_size(_regular_size(p), max_bytes)
    with p.open("rb") as fh:
        data = fh.read(max_bytes + 1)
    _check_size(len(data), max_bytes)  # the file grew after stat
    return data


def parse_file(path: str | os.PathLike[str], *, max_bytes: int = DEFAULT_MAX_BYTES) -> etree._Element:
    return parse_bytes(read_limited(path, max_bytes=max_bytes), max_bytes=max_bytes)


class _GuardedReader:
    """A file wrapper for ``iterparse``: counts bytes against the limit, refuses DOCTYPE."""

    def __init__(self, fh: IO[bytes], max_bytes: int) -> None:
        self._fh = fh
        self._max = max_bytes
        self._seen = 0
        self._tail = b""

    def read(self, size: int = -1) -> bytes:
        chunk = self._fh.read(size if size and size > 0 else 64 * 1024)
        self._seen += len(chunk)
        _check_size(self._seen, self._max)
        if self._seen == len(chunk):  # the first chunk holds the XML declaration
            _check_encoding(chunk[:512])
        window = self._tail + chunk
        if _has_doctype(window):
            raise XmlRejected("xml.doctype")
        self._tail = window[-24:]
        return chunk


def iterparse(
    source: str | os.PathLike[str] | IO[bytes],
    *,
    events: tuple[str, ...] = ("end",),
    tag: Any = None,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Iterator[tuple[str, etree._Element]]:
    """Stream (event, element) pairs with the same hardening, for large imports.

    The caller should ``clear()`` elements it is done with to keep memory flat.
    """
    from lxml import etree

    own = isinstance(source, str | os.PathLike)
    if isinstance(source, str | os.PathLike):
        _check_size(_regular_size(Path(source)), max_bytes)
        fh: IO[bytes] = open(source, "rb")  # noqa: SIM115
    else:
        fh = source
    try:
        reader = _GuardedReader(fh, max_bytes)
        parser = etree.iterparse(
            reader, events=events, tag=tag, resolve_entities=False, no_network=True, load_dtd=False,
            dtd_validation=False, huge_tree=False, remove_comments=True, remove_pis=True,
        )
        try:
            yield from parser
        except etree.XMLSyntaxError as exc:
            raise _syntax_error(exc) from None
        except XmlRejected:
            raise
        except etree.LxmlError as exc:
            raise XmlRejected("xml.unreadable", reason=type(exc).__name__) from None
    finally:
        if own:
            fh.close()


def pretty(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> str:
    """The document re-indented for reading (through the hardened parser)."""
    from lxml import etree

    root = parse_bytes(data, max_bytes=max_bytes)
    etree.indent(root, space="  ")
    return etree.tostring(root, encoding="unicode", pretty_print=True)


def local_name(element: etree._Element) -> str:
    """The tag without its ``{namespace}``."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def namespace(element: etree._Element) -> str | None:
    tag = element.tag
    if isinstance(tag, str) and tag.startswith("{"):
        return tag[1:].split("}", 1)[0]
    return None
