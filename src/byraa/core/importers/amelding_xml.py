"""Writing an a-melding as XML from its JSON model (``{"leveranse": {...}}``).

The submission API of 2026 takes the a-melding as JSON of the same model as the XSD; byraa
builds corrections in that shape and writes the XML from it here (for the archive, for
systems that still upload XML, and for tests and benchmarks). Keys are written in the
order the dict holds them, so the caller keeps the XSD's order. Lists become repeated
elements; a list may be any iterable (a generator streams a large file); ``True`` /
``False`` become ``true`` / ``false``; ``None`` is left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import IO, Any
from xml.sax.saxutils import escape

from byraa.core.importers.amelding import NAMESPACE_PREFIX

_PLAIN = (int, float)
"""Scalars whose text never needs escaping (``bool`` is an ``int``: it is tested first)."""


def _scalar(value: Any) -> str:
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is str:
        return escape(value) if ("&" in value or "<" in value or ">" in value) else value
    if isinstance(value, _PLAIN):
        return str(value)
    return escape(str(value))


class _Out:
    """Text parts gathered in a list and written to the stream now and then (one write per
    element was slow; one write at the end would hold a streamed file whole)."""

    __slots__ = ("parts", "stream")

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.parts: list[str] = []

    def flush(self) -> None:
        self.stream.write("".join(self.parts))
        self.parts.clear()


def _write(out: _Out, name: str, value: Any, indent: int) -> None:
    # Exact type tests first: the demo writes hundreds of files of nested dicts and lists,
    # and the abstract-base-class checks were most of the time.
    if value is None:
        return
    pad = "  " * indent
    kind = type(value)
    if kind is dict or (kind is not str and isinstance(value, Mapping)):
        out.parts.append(f"{pad}<{name}>\n")
        for key, child in value.items():
            _write(out, key, child, indent + 1)
        out.parts.append(f"{pad}</{name}>\n")
    elif kind is list or kind is tuple or (
            kind is not str and kind is not bytes and not isinstance(value, _PLAIN) and isinstance(value, Iterable)):
        for item in value:
            _write(out, name, item, indent)
            if len(out.parts) > 4096:
                out.flush()
    else:
        out.parts.append(f"{pad}<{name}>{_scalar(value)}</{name}>\n")


def write(out: IO[str], message: Mapping[str, Any], *, version: str = "v2_3") -> None:
    """Write ``{"leveranse": {...}}`` as an a-melding XML document to a text stream."""
    leveranse = message.get("leveranse", message.get("Leveranse"))
    if not isinstance(leveranse, Mapping):
        raise ValueError("the message has no leveranse")
    buffer = _Out(out)
    buffer.parts.append('<?xml version="1.0" encoding="UTF-8"?>\n')
    buffer.parts.append(f'<melding xmlns="{NAMESPACE_PREFIX}{version}">\n')
    _write(buffer, "Leveranse", leveranse, 1)
    buffer.parts.append("</melding>\n")
    buffer.flush()


def to_xml(message: Mapping[str, Any], *, version: str = "v2_3") -> bytes:
    import io

    buf = io.StringIO()
    write(buf, message, version=version)
    return buf.getvalue().encode("utf-8")
