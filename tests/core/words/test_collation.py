"""Names in Norwegian order (Æ, Ø, Å after Z; case and foreign accents do not split names),
the same on SQLite and PostgreSQL, whose own collations differ."""

from __future__ import annotations

from byraa.core.agency import access_admin, staff
from byraa.core.clients import groups, registry
from byraa.core.words.collation import sort_key
from tests.builders import org, small_agency

NORWEGIAN_ORDER = ["Dahl", "de Vries", "Émile", "Eva", "Zahl", "Ærlig", "Øyvind", "Åse"]


def test_sort_key_gives_the_norwegian_alphabet() -> None:
    assert sorted(reversed(NORWEGIAN_ORDER), key=sort_key) == NORWEGIAN_ORDER
    assert sort_key("ÅSE") == sort_key("åse") and sort_key(None) == "" and sort_key("") == ""


def test_clients_staff_and_groups_are_listed_in_norwegian_order_on_both_backends(store) -> None:  # noqa: ANN001
    small = small_agency(store)
    boss = small.who()
    for n, name in enumerate(["Åsen Bygg AS", "de Vries Regnskap AS", "Ærlig Transport AS", "Zahl Fisk AS",
                              "Øvre Vang AS", "dahl & sønn AS"], start=20):
        registry.add_client(store, boss, org(n), name)
    names = [r.name for r in registry.list_clients(store, boss)]
    assert names == ["Alfa Rør AS", "Bakeri Beta AS", "Cafe Gamma AS", "dahl & sønn AS", "de Vries Regnskap AS",
                     "Zahl Fisk AS", "Ærlig Transport AS", "Øvre Vang AS", "Åsen Bygg AS"]
    for login, name in (("aa", "Åse Ås"), ("ae", "Ærlig Æsland"), ("oe", "Øyvind Ødegård"), ("z", "zahl, Zoe")):
        staff.add_staff(store, boss, login, name)
    clerks = [r.name for r in access_admin.list_staff(store) if r.role == "clerk"]
    assert clerks == ["Kari Klerk", "Ola Annen", "zahl, Zoe", "Ærlig Æsland", "Øyvind Ødegård", "Åse Ås"]
    for name in ("Østlandet", "Åpne saker", "Ærfugl", "avsluttet"):
        groups.create_group(store, boss, name)
    assert [g.name for g in groups.list_groups(store)] == ["avsluttet", "Utbetaling 20.", "Ærfugl", "Østlandet",
                                                           "Åpne saker"]


def test_the_dashboards_lines_and_the_reports_follow_the_same_order(store) -> None:  # noqa: ANN001
    from byraa.core.clients import dashboard, reports

    small = small_agency(store)
    boss = small.who()
    for n, name in enumerate(["Åsen Bygg AS", "Ærlig Transport AS", "dahl & sønn AS", "Zahl Fisk AS"], start=20):
        registry.add_client(store, boss, org(n), name)
    board = dashboard.build(store, boss, "2026-11", "all")
    orphans = [a.client_name for a in board.attention if a.kind == "no_responsible"]
    assert orphans == ["Cafe Gamma AS", "dahl & sønn AS", "Zahl Fisk AS", "Ærlig Transport AS", "Åsen Bygg AS"]
    # Every report lists the clients it may show in this order.
    names = [c.name for c in reports._visible_clients(store, boss).values()]
    assert names == ["Alfa Rør AS", "Bakeri Beta AS", "Cafe Gamma AS", "dahl & sønn AS", "Zahl Fisk AS",
                     "Ærlig Transport AS", "Åsen Bygg AS"]


def test_the_access_lists_follow_the_same_order(store) -> None:  # noqa: ANN001
    small = small_agency(store)
    boss = small.who()
    orgs = {name: org(n) for n, name in enumerate(["Åsen Bygg AS", "Ærlig Transport AS", "dahl & sønn AS"], start=20)}
    for name, number in orgs.items():
        registry.add_client(store, boss, number, name)
    access_admin.grant(store, boss, "other", "associate", org_numbers=list(orgs.values()))
    granted = [g.client_name for g in access_admin.list_grants(store, login="other")]
    assert granted == ["dahl & sønn AS", "Ærlig Transport AS", "Åsen Bygg AS"]
    review = [f.client_name for f in access_admin.review(store, boss) if f.kind == "client_without_responsible"]
    assert review == ["Cafe Gamma AS", "dahl & sønn AS", "Ærlig Transport AS", "Åsen Bygg AS"]
