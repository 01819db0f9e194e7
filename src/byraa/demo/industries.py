"""The kinds of business an agency's clients run, with their occupations and pay.

Each industry says how its clients are named, which occupations (7-digit codes built on
STYRK-08, as the a-melding's ``yrke`` wants them) its employees have, what a full-time
year pays in each (NOK, 2026 level), how much part-time work there is, and how many
travel and expense claims its people send in. A café is mostly part-time waiters at
the bottom of the scale; a dental clinic pays a dentist more than a million; a building
firm has carpenters and plumbers on 37.5 hours and sends claims for every trip.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Occupation:
    code: str
    title: str
    weight: int
    low: int
    """Yearly pay at 100 %, NOK, lower end."""
    high: int


@dataclass(frozen=True)
class Industry:
    key: str
    label: str
    patterns: tuple[str, ...]
    """Name patterns: ``{surname}``, ``{place}`` (a place-like word) and ``{town}``
    (the client's municipality)."""
    suffix: str
    """``AS`` for companies; associations (lag og foreninger) have none."""
    leader: Occupation
    occupations: tuple[Occupation, ...]
    part_time: float
    """Share of ordinary employments below 100 %."""
    shift_hours: float | None
    """Hours per full week for shift/rota workers (35.5 in health rotas), if any."""
    claims_per_employee: float
    """Travel and expense claims per active employee per month."""
    size_weights: tuple[int, int, int]
    """How likely a client of this industry is tiny (<10), medium (10–49) or large."""


def _o(code: str, title: str, weight: int, low: int, high: int) -> Occupation:
    return Occupation(code, title, weight, low, high)


DAGLIG_LEDER = _o("1120119", "Daglig leder", 0, 780_000, 1_250_000)

INDUSTRIES: tuple[Industry, ...] = (
    Industry(
        "bygg", "Bygg og anlegg",
        ("{surname} Bygg", "{surname} Rør", "{town} Elektro", "{surname} Maskin og Anlegg",
         "{place} Byggservice", "{surname} Tak og Fasade", "{surname} Malerservice",
         "{town} Rørleggerservice", "{surname} & Sønn Entreprenør"),
        "AS", DAGLIG_LEDER,
        (_o("7115108", "Tømrer", 30, 480_000, 600_000),
         _o("7126101", "Rørlegger", 14, 520_000, 650_000),
         _o("7411104", "Elektriker", 14, 530_000, 670_000),
         _o("8342101", "Anleggsmaskinfører", 10, 500_000, 620_000),
         _o("7112101", "Murer", 6, 480_000, 590_000),
         _o("7131101", "Maler", 8, 460_000, 560_000),
         _o("1323103", "Prosjektleder bygg", 6, 750_000, 950_000),
         _o("9313101", "Hjelpearbeider bygg", 8, 400_000, 470_000),
         _o("4110101", "Kontormedarbeider", 4, 430_000, 520_000)),
        0.05, None, 0.45, (5, 4, 3),
    ),
    Industry(
        "servering", "Restaurant og servering",
        ("Kafé {place}", "{place} Bistro", "Restaurant {place}", "{surname}s Bakeri", "{town} Pizza",
         "{place} Spiseri", "Kaffebrenneriet {place}"),
        "AS", _o("1412101", "Restaurantsjef", 0, 560_000, 720_000),
        (_o("5120103", "Kokk", 20, 420_000, 520_000),
         _o("5131101", "Servitør", 30, 380_000, 440_000),
         _o("9412101", "Kjøkkenassistent", 15, 380_000, 420_000),
         _o("5246101", "Kafémedarbeider", 20, 380_000, 430_000),
         _o("7512101", "Baker", 8, 420_000, 500_000),
         _o("5132101", "Bartender", 7, 390_000, 450_000)),
        0.55, None, 0.05, (6, 3, 1),
    ),
    Industry(
        "handel", "Varehandel",
        ("{surname} Sport", "{place} Blomster", "{surname} Interiør", "{town} Jernvare", "{surname} Bil",
         "{place} Dagligvare", "{surname} Optikk", "{place} Sko og Klær"),
        "AS", _o("1420101", "Butikksjef", 0, 520_000, 700_000),
        (_o("5223102", "Butikkmedarbeider", 55, 380_000, 450_000),
         _o("4321101", "Lagermedarbeider", 15, 420_000, 500_000),
         _o("3322101", "Selger", 15, 480_000, 720_000),
         _o("5230101", "Kasserer", 10, 380_000, 420_000),
         _o("7231101", "Bilmekaniker", 5, 500_000, 600_000)),
        0.45, None, 0.08, (5, 4, 2),
    ),
    Industry(
        "transport", "Transport og logistikk",
        ("{surname} Transport", "{town} Budservice", "{place} Logistikk", "{surname} Bussreiser",
         "{town} Taxi og Transport", "{surname} Flytteservice"),
        "AS", DAGLIG_LEDER,
        (_o("8332101", "Lastebilsjåfør", 40, 480_000, 580_000),
         _o("8322101", "Budbilsjåfør", 20, 420_000, 500_000),
         _o("8331101", "Bussjåfør", 15, 490_000, 560_000),
         _o("4321101", "Lagermedarbeider", 15, 420_000, 500_000),
         _o("4323101", "Disponent", 10, 550_000, 700_000)),
        0.1, None, 0.6, (2, 4, 4),
    ),
    Industry(
        "helse", "Helse og omsorg",
        ("{town} Tannlegesenter", "{place} Legesenter", "{surname} Fysioterapi", "{place} Omsorg",
         "{town} Hjemmetjenester", "{place} Tannklinikk"),
        "AS", DAGLIG_LEDER,
        (_o("5321101", "Helsefagarbeider", 35, 450_000, 540_000),
         _o("2223101", "Sykepleier", 25, 560_000, 690_000),
         _o("2261101", "Tannlege", 6, 850_000, 1_150_000),
         _o("3251101", "Tannhelsesekretær", 8, 430_000, 500_000),
         _o("2264101", "Fysioterapeut", 6, 550_000, 760_000),
         _o("2211101", "Lege", 4, 950_000, 1_300_000),
         _o("3344101", "Helsesekretær", 8, 450_000, 520_000),
         _o("5322101", "Omsorgsarbeider", 8, 420_000, 480_000)),
        0.4, 35.5, 0.1, (4, 4, 3),
    ),
    Industry(
        "kunnskap", "Rådgivning og IT",
        ("{town} Data", "{surname} Consulting", "{place} IT", "{surname} & {surname2} Advokatfirma",
         "{town} Regnskap", "{surname} Arkitekter", "{place} Rådgivning"),
        "AS", DAGLIG_LEDER,
        (_o("2512101", "Systemutvikler", 25, 650_000, 950_000),
         _o("2511103", "Systemarkitekt", 8, 800_000, 1_050_000),
         _o("3313101", "Regnskapsfører", 15, 500_000, 650_000),
         _o("2411101", "Revisor", 8, 600_000, 850_000),
         _o("2611101", "Advokat", 8, 800_000, 1_250_000),
         _o("2161101", "Arkitekt", 8, 620_000, 850_000),
         _o("2421101", "Rådgiver", 15, 600_000, 850_000),
         _o("4110101", "Kontormedarbeider", 10, 430_000, 520_000)),
        0.08, None, 0.35, (6, 4, 1),
    ),
    Industry(
        "renhold", "Renhold og eiendomsdrift",
        ("{town} Renhold", "{surname} Eiendomsservice", "{place} Vaktmesterservice", "{town} Rent og Pent"),
        "AS", DAGLIG_LEDER,
        (_o("9112101", "Renholder", 70, 400_000, 460_000),
         _o("5153101", "Vaktmester", 15, 450_000, 540_000),
         _o("5151101", "Renholdsleder", 15, 500_000, 600_000)),
        0.35, None, 0.15, (3, 4, 4),
    ),
    Industry(
        "industri", "Industri og sjømat",
        ("{surname} Mekaniske Verksted", "{town} Sjømat", "{place} Trevare", "{town} Plast",
         "{surname} Sveis og Stål"),
        "AS", DAGLIG_LEDER,
        (_o("7233101", "Industrimekaniker", 20, 500_000, 600_000),
         _o("7212101", "Sveiser", 15, 500_000, 610_000),
         _o("8160101", "Operatør næringsmiddel", 30, 430_000, 510_000),
         _o("8344101", "Truckfører", 15, 430_000, 500_000),
         _o("2144101", "Maskiningeniør", 10, 650_000, 850_000),
         _o("4110101", "Kontormedarbeider", 10, 430_000, 520_000)),
        0.08, None, 0.2, (2, 4, 4),
    ),
    Industry(
        "frisor", "Frisør og velvære",
        ("Frisør {place}", "{surname} Hudpleie", "Salong {place}", "{town} Hårstudio"),
        "AS", _o("5141102", "Frisørmester", 0, 460_000, 560_000),
        (_o("5141101", "Frisør", 75, 380_000, 460_000),
         _o("5142101", "Hudpleier", 25, 380_000, 450_000)),
        0.4, None, 0.02, (6, 1, 0),
    ),
    Industry(
        "barnehage", "Barnehage og oppvekst",
        ("{place} Barnehage", "{town} Naturbarnehage", "{place} Kulturskole"),
        "AS", _o("1345101", "Styrer barnehage", 0, 650_000, 800_000),
        (_o("2342101", "Barnehagelærer", 30, 500_000, 590_000),
         _o("5311101", "Barne- og ungdomsarbeider", 40, 440_000, 500_000),
         _o("5312101", "Assistent barnehage", 30, 400_000, 450_000)),
        0.3, None, 0.05, (2, 6, 1),
    ),
    Industry(
        "hotell", "Hotell og reiseliv",
        ("{place} Hotell", "{town} Camping", "{place} Fjellstue", "{town} Fjordhotell", "{place} Gjestegård"),
        "AS", _o("1411101", "Hotellsjef", 0, 700_000, 900_000),
        (_o("4224101", "Resepsjonist", 20, 400_000, 460_000),
         _o("5120103", "Kokk", 15, 420_000, 520_000),
         _o("5131101", "Servitør", 20, 380_000, 440_000),
         _o("9112102", "Romvakt", 25, 390_000, 440_000),
         _o("9412101", "Kjøkkenassistent", 20, 380_000, 420_000)),
        0.45, None, 0.05, (2, 4, 3),
    ),
    Industry(
        "forening", "Lag og foreninger",
        ("{town} Idrettslag", "{place} Musikkorps", "{town} Golfklubb", "{town} Turlag", "{place} Skiklubb"),
        "", _o("1120120", "Daglig leder forening", 0, 520_000, 680_000),
        (_o("3422101", "Trener", 70, 380_000, 480_000),
         _o("4110101", "Kontormedarbeider", 30, 430_000, 500_000)),
        0.6, None, 0.1, (3, 1, 0),
    ),
)

BY_KEY: dict[str, Industry] = {i.key: i for i in INDUSTRIES}
