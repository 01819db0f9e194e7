"""The Norwegian catalog: every ``_()`` string translated, the committed .mo in step."""

from __future__ import annotations

import gettext
import importlib.util
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "i18n.py"


def _i18n_script():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("byraa_i18n_script", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_string_in_src_has_a_norwegian_translation() -> None:
    script = _i18n_script()
    catalog = script.updated_catalog()
    assert len(catalog) > 100
    missing = script.untranslated(catalog)
    assert not missing, f"no nb translation (run scripts/i18n.py and translate in byraa.po): {missing}"


def test_the_committed_mo_is_compiled_from_the_po() -> None:
    script = _i18n_script()
    with script.PO.open("rb") as fh:
        catalog = read_po(fh, locale="nb", domain="byraa")
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    assert script.MO.read_bytes() == buffer.getvalue(), "byraa.mo is stale: run scripts/i18n.py"
    # And gettext reads it as the app will.
    translation = gettext.GNUTranslations(io.BytesIO(script.MO.read_bytes()))
    assert translation.gettext("Clients") == "Klienter"
    assert translation.gettext("last") == "siste"


def test_the_app_speaks_norwegian_by_default_and_english_by_setting() -> None:
    from byraa.core import i18n
    from byraa.core.i18n import _

    before = i18n.language()
    try:
        i18n.set_language("nb")
        assert _("Payroll clients") == "Lønnsklienter"
        assert _("rejected") == "avvist"
        i18n.set_language("en")
        assert _("Payroll clients") == "Payroll clients"
    finally:
        i18n.set_language(before)
