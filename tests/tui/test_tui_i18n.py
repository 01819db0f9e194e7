"""The Norwegian catalog: every ``_()`` string translated, the committed .mo in step."""

from __future__ import annotations

import gettext
import importlib.util
import io
from pathlib import Path

from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
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
    """The .mo holds exactly the .po's translated messages.

    Messages are compared, not bytes: the header Babel writes (its own version among
    it) changes between Babel releases while the catalog does not.
    """
    script = _i18n_script()
    with script.PO.open("rb") as fh:
        catalog = read_po(fh, locale="nb", domain="byraa")
    expected = {
        (m.id if isinstance(m.id, str) else tuple(m.id)): m.string
        for m in catalog if m.id and m.string and not m.fuzzy
    }
    translation = gettext.GNUTranslations(io.BytesIO(script.MO.read_bytes()))
    compiled = {key: value for key, value in translation._catalog.items() if key != ""}  # type: ignore[attr-defined]
    singular = {k: v for k, v in expected.items() if isinstance(k, str)}
    assert {k: v for k, v in compiled.items() if isinstance(k, str)} == singular, (
        "byraa.mo is stale: run scripts/i18n.py")
    for key, forms in ((k, v) for k, v in expected.items() if isinstance(k, tuple)):
        assert tuple(compiled[(key[0], n)] for n in range(len(forms))) == tuple(forms), key
    # And gettext reads it as the app will.
    assert translation.gettext("Clients") == "Klienter"
    assert translation.gettext("last") == "siste"


def test_the_app_speaks_norwegian_by_default_and_english_by_setting() -> None:
    from byraa.core.words import i18n
    from byraa.core.words.i18n import _

    before = i18n.language()
    try:
        i18n.set_language("nb")
        assert _("Payroll clients") == "Lønnsklienter"
        assert _("rejected") == "avvist"
        i18n.set_language("en")
        assert _("Payroll clients") == "Payroll clients"
    finally:
        i18n.set_language(before)
