"""Municipalities, their employer's-contribution zone, and real postal code + city pairs.

A clerk checks a sub-unit's AGA zone against its municipality at a glance, so every
municipality here carries the zone it really has (2021–2027 zone map), and every
employee address uses a postal code that belongs to that municipality. The weights
make the agency look like one in southern Norway with clients up north: most clients in
zone 1, a handful in each of the reduced zones.
"""

from __future__ import annotations

from dataclasses import dataclass

AGA_RATES: dict[str, float] = {
    "1": 0.141,
    "1a": 0.106,
    "2": 0.106,
    "3": 0.064,
    "4": 0.051,
    "4a": 0.079,
    "5": 0.0,
}
"""Employer's contribution rate per zone, ordinary industries, 2025 and 2026."""

ZONE_1A_FULL_RATE = 0.141
ZONE_1A_ALLOWANCE_ORE = 850_000 * 100
"""Zone 1a pays 10.6 % only until the year's saving (3.5 points of the basis) reaches
the 850 000 kr fribeløp; after that it pays the zone 1 rate."""


@dataclass(frozen=True)
class Municipality:
    name: str
    zone: str
    weight: int
    """How often clients sit here (roughly how much business the place has)."""
    postal: tuple[tuple[str, str], ...]
    """Real postal codes of the municipality with their postal place."""


MUNICIPALITIES: tuple[Municipality, ...] = (
    # Zone 1: the cities and their surroundings, where most clients are.
    Municipality("Oslo", "1", 60, (
        ("0150", "Oslo"), ("0182", "Oslo"), ("0250", "Oslo"), ("0354", "Oslo"), ("0458", "Oslo"),
        ("0560", "Oslo"), ("0661", "Oslo"), ("0765", "Oslo"), ("0870", "Oslo"), ("0960", "Oslo"),
        ("1055", "Oslo"), ("1162", "Oslo"), ("1281", "Oslo"),
    )),
    Municipality("Bergen", "1", 24, (
        ("5003", "Bergen"), ("5011", "Bergen"), ("5033", "Bergen"), ("5055", "Bergen"),
        ("5089", "Bergen"), ("5096", "Bergen"), ("5141", "Fyllingsdalen"), ("5221", "Nesttun"),
    )),
    Municipality("Trondheim", "1", 18, (
        ("7010", "Trondheim"), ("7030", "Trondheim"), ("7041", "Trondheim"), ("7052", "Trondheim"),
        ("7089", "Heimdal"),
    )),
    Municipality("Stavanger", "1", 14, (
        ("4006", "Stavanger"), ("4014", "Stavanger"), ("4021", "Stavanger"), ("4041", "Hafrsfjord"),
    )),
    Municipality("Sandnes", "1", 6, (("4306", "Sandnes"), ("4318", "Sandnes"))),
    Municipality("Bærum", "1", 10, (
        ("1337", "Sandvika"), ("1350", "Lommedalen"), ("1363", "Høvik"), ("1368", "Stabekk"),
    )),
    Municipality("Asker", "1", 6, (("1383", "Asker"), ("1384", "Asker"), ("1390", "Vollen"))),
    Municipality("Lillestrøm", "1", 6, (("2000", "Lillestrøm"), ("2010", "Strømmen"), ("2013", "Skjetten"))),
    Municipality("Lørenskog", "1", 4, (("1470", "Lørenskog"), ("1473", "Lørenskog"))),
    Municipality("Ullensaker", "1", 4, (("2050", "Jessheim"), ("2060", "Gardermoen"))),
    Municipality("Nordre Follo", "1", 4, (("1400", "Ski"), ("1415", "Oppegård"))),
    Municipality("Drammen", "1", 7, (("3015", "Drammen"), ("3022", "Drammen"), ("3045", "Drammen"))),
    Municipality("Fredrikstad", "1", 6, (("1606", "Fredrikstad"), ("1608", "Fredrikstad"), ("1613", "Fredrikstad"))),
    Municipality("Sarpsborg", "1", 4, (("1706", "Sarpsborg"), ("1712", "Grålum"))),
    Municipality("Moss", "1", 3, (("1530", "Moss"), ("1534", "Moss"))),
    Municipality("Halden", "1", 2, (("1767", "Halden"),)),
    Municipality("Tønsberg", "1", 4, (("3103", "Tønsberg"), ("3117", "Tønsberg"))),
    Municipality("Sandefjord", "1", 4, (("3210", "Sandefjord"), ("3224", "Sandefjord"))),
    Municipality("Larvik", "1", 3, (("3256", "Larvik"), ("3267", "Larvik"))),
    Municipality("Skien", "1", 4, (("3717", "Skien"), ("3730", "Skien"))),
    Municipality("Porsgrunn", "1", 3, (("3915", "Porsgrunn"), ("3931", "Porsgrunn"))),
    Municipality("Kristiansand", "1", 7, (
        ("4608", "Kristiansand S"), ("4614", "Kristiansand S"), ("4631", "Kristiansand S"),
    )),
    Municipality("Arendal", "1", 3, (("4836", "Arendal"), ("4841", "Arendal"))),
    Municipality("Hamar", "1", 3, (("2317", "Hamar"), ("2318", "Hamar"))),
    Municipality("Lillehammer", "1", 3, (("2609", "Lillehammer"), ("2615", "Lillehammer"))),
    Municipality("Gjøvik", "1", 2, (("2815", "Gjøvik"), ("2821", "Gjøvik"))),
    Municipality("Haugesund", "1", 3, (("5525", "Haugesund"), ("5527", "Haugesund"))),
    Municipality("Ålesund", "1", 4, (("6002", "Ålesund"), ("6008", "Ålesund"), ("6010", "Ålesund"))),
    Municipality("Molde", "1", 2, (("6413", "Molde"), ("6415", "Molde"))),
    Municipality("Kongsberg", "1", 2, (("3616", "Kongsberg"),)),
    # Zone 1a: the fribeløp zone.
    Municipality("Selbu", "1a", 2, (("7580", "Selbu"),)),
    Municipality("Midtre Gauldal", "1a", 2, (("7290", "Støren"),)),
    Municipality("Ørland", "1a", 2, (("7130", "Brekstad"),)),
    # Zone 2.
    Municipality("Gjerstad", "2", 2, (("4980", "Gjerstad"),)),
    Municipality("Åmli", "2", 2, (("4865", "Åmli"),)),
    # Zone 3.
    Municipality("Røros", "3", 2, (("7374", "Røros"),)),
    Municipality("Oppdal", "3", 2, (("7340", "Oppdal"),)),
    Municipality("Tydal", "3", 2, (("7590", "Tydal"),)),
    # Zone 4: Nordland and Troms outside Bodø, Tromsø and Nord-Troms.
    Municipality("Narvik", "4", 2, (("8514", "Narvik"), ("8517", "Narvik"))),
    Municipality("Harstad", "4", 2, (("9405", "Harstad"), ("9406", "Harstad"))),
    Municipality("Rana", "4", 2, (("8622", "Mo i Rana"), ("8626", "Mo i Rana"))),
    Municipality("Vefsn", "4", 1, (("8656", "Mosjøen"),)),
    Municipality("Vågan", "4", 1, (("8300", "Svolvær"),)),
    Municipality("Sortland", "4", 1, (("8400", "Sortland"),)),
    Municipality("Fauske", "4", 1, (("8200", "Fauske"),)),
    # Zone 4a: the two northern towns.
    Municipality("Bodø", "4a", 3, (("8003", "Bodø"), ("8006", "Bodø"), ("8012", "Bodø"))),
    Municipality("Tromsø", "4a", 3, (("9008", "Tromsø"), ("9010", "Tromsø"), ("9019", "Tromsø"))),
    # Zone 5: Finnmark and Nord-Troms, no employer's contribution.
    Municipality("Alta", "5", 2, (("9510", "Alta"), ("9514", "Alta"))),
    Municipality("Hammerfest", "5", 1, (("9600", "Hammerfest"),)),
    Municipality("Vadsø", "5", 1, (("9800", "Vadsø"),)),
    Municipality("Sør-Varanger", "5", 1, (("9900", "Kirkenes"),)),
    Municipality("Nordreisa", "5", 1, (("9151", "Storslett"),)),
    Municipality("Lyngen", "5", 1, (("9060", "Lyngseidet"),)),
)

MUNICIPALITY_WEIGHTS: tuple[int, ...] = tuple(m.weight for m in MUNICIPALITIES)

CITIES: tuple[Municipality, ...] = tuple(m for m in MUNICIPALITIES if m.zone == "1" and m.weight >= 4)
"""Where a large client's head office is."""

BY_NAME: dict[str, Municipality] = {m.name: m for m in MUNICIPALITIES}
