#!/usr/bin/env python3
"""Keep the Norwegian catalog in step with the code.

    .venv/bin/python scripts/i18n.py           # extract _() strings, update nb .po, compile .mo
    .venv/bin/python scripts/i18n.py --check   # exit 1 if a string lacks nb or the .mo is stale

Message ids are the English strings passed to ``_()`` (and ``ngettext``) anywhere in
``src/byraa``. New ids are added to ``byraa.po`` with an empty translation; ids no
longer in the code are dropped. Translate in the .po, then run this again to compile.
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "byraa"
PO = SOURCE / "locale" / "nb" / "LC_MESSAGES" / "byraa.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def extract() -> Catalog:
    """Every translatable string in the source, as a template catalog."""
    template = Catalog(project="byraa", domain="byraa", charset="utf-8")
    for filename, lineno, message, _comments, context in extract_from_dir(
        str(SOURCE), method_map=[("**.py", "python")], keywords=KEYWORDS, strip_comment_tags=True
    ):
        template.add(message, None, [(f"src/byraa/{filename}", lineno)], context=context)
    return template


def load_po() -> Catalog:
    if not PO.exists():
        return Catalog(locale="nb", project="byraa", domain="byraa", charset="utf-8")
    with PO.open("rb") as fh:
        return read_po(fh, locale="nb", domain="byraa")


def updated_catalog() -> Catalog:
    catalog = load_po()
    created, revised = catalog.creation_date, catalog.revision_date
    catalog.update(extract(), no_fuzzy_matching=True)
    catalog.obsolete.clear()
    # Keep the header stable, so the .po only changes when a message does.
    catalog.creation_date, catalog.revision_date = created, revised
    catalog.fuzzy = False
    catalog.header_comment = (
        "# Norwegian Bokmål (nb) translations for byraa: English msgids, see scripts/i18n.py.\n"
        "# Domain words (a-melding, skattekort, arbeidsforhold) stay Norwegian in English too."
    )
    catalog.project, catalog.version = "byraa", "1"
    catalog.copyright_holder = "byraa"
    catalog.msgid_bugs_address = ""
    catalog.last_translator = "byraa"
    catalog.language_team = "byraa"
    return catalog


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def untranslated(catalog: Catalog) -> list[str]:
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple | list) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def write(catalog: Catalog) -> None:
    PO.parent.mkdir(parents=True, exist_ok=True)
    with PO.open("wb") as fh:
        write_po(fh, catalog, width=100, sort_output=True, include_lineno=False, no_location=True)
    MO.write_bytes(mo_bytes(catalog))


def _key(value: object) -> object:
    """Plural messages hold (singular, plural) ids and a list of forms: hashable as tuples."""
    return tuple(value) if isinstance(value, list | tuple) else value


def check() -> int:
    """0 if every string has an nb translation and the committed .mo matches the .po."""
    problems = []
    catalog = updated_catalog()
    for msgid in untranslated(catalog):
        problems.append(f"no nb translation: {msgid!r}")
    on_disk = load_po()
    if MO.exists():
        with MO.open("rb") as fh:
            compiled = read_mo(fh)
        want = {_key(m.id): _key(m.string) for m in on_disk if m.id and not m.fuzzy and m.string}
        have = {_key(m.id): _key(m.string) for m in compiled if m.id}
        if want != have:
            problems.append(f"{MO.relative_to(ROOT)} is out of date: run scripts/i18n.py")
    else:
        problems.append(f"{MO.relative_to(ROOT)} is missing: run scripts/i18n.py")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report, change nothing")
    args = parser.parse_args()
    if args.check:
        return check()
    catalog = updated_catalog()
    write(catalog)
    missing = untranslated(catalog)
    print(f"{PO.relative_to(ROOT)}: {len(catalog)} messages, {len(missing)} without a translation")
    for msgid in missing:
        print(f"  {msgid!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
