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


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return escape(str(value))


def _write(out: IO[str], name: str, value: Any, indent: int) -> None:
    pad = "  " * indent
    if value is None:
        return
    if isinstance(value, Mapping):
        out.write(f"{pad}<{name}>\n")
        for key, child in value.items():
            _write(out, key, child, indent + 1)
        out.write(f"{pad}</{name}>\n")
    elif isinstance(value, Iterable) and not isinstance(value, str | bytes):
        for item in value:
            _write(out, name, item, indent)
    else:
        out.write(f"{pad}<{name}>{_scalar(value)}</{name}>\n")


def write(out: IO[str], message: Mapping[str, Any], *, version: str = "v2_3") -> None:
    """Write ``{"leveranse": {...}}`` as an a-melding XML document to a text stream."""
    leveranse = message.get("leveranse", message.get("Leveranse"))
    if not isinstance(leveranse, Mapping):
        raise ValueError("the message has no leveranse")
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(f'<melding xmlns="{NAMESPACE_PREFIX}{version}">\n')
    _write(out, "Leveranse", leveranse, 1)
    out.write("</melding>\n")


def to_xml(message: Mapping[str, Any], *, version: str = "v2_3") -> bytes:
    import io

    buf = io.StringIO()
    write(buf, message, version=version)
    return buf.getvalue().encode("utf-8")
