"""Norwegian names, street names and the words client names are made of.

The lists follow what SSB's name statistics show as common across generations (older
names like Bjørn and Kari next to Emma and Jakob), with the immigrant surnames that are
among Norway's most common (Nguyen, Ali, Ahmed) and the Polish, Lithuanian and Swedish
workers a building or cleaning client pays, often on a D-number. All tuples keep a fixed
order so a seeded ``random.Random`` picks the same names every time.
"""

from __future__ import annotations

FEMALE_FIRST: tuple[str, ...] = (
    "Anne", "Inger", "Kari", "Marit", "Ingrid", "Liv", "Eva", "Berit", "Astrid", "Bjørg",
    "Hilde", "Anna", "Solveig", "Marianne", "Randi", "Ida", "Nina", "Maria", "Elisabeth",
    "Kristin", "Tone", "Silje", "Hanne", "Camilla", "Ragnhild", "Heidi", "Mona", "Linda",
    "Ellen", "Tove", "Wenche", "Gro", "Turid", "Sigrid", "Kristine", "Julie", "Ingeborg",
    "Marte", "Ane", "Thea", "Nora", "Emma", "Sara", "Emilie", "Sofie", "Maja", "Ingvild",
    "Karoline", "Line", "Siri", "Guro", "Vilde", "Mari", "Tonje", "Stine", "Malin",
    "Hege", "Trine", "Cecilie", "Lene", "Frida", "Helene", "Oda", "Synnøve", "Aud",
)

MALE_FIRST: tuple[str, ...] = (
    "Jan", "Per", "Bjørn", "Ole", "Lars", "Kjell", "Knut", "Svein", "Arne", "Thomas",
    "Hans", "Geir", "Tor", "Morten", "Terje", "Odd", "Erik", "Martin", "Andreas", "John",
    "Anders", "Rune", "Trond", "Tore", "Jon", "Harald", "Olav", "Kristian", "Stian",
    "Espen", "Øyvind", "Gunnar", "Einar", "Magnus", "Jonas", "Henrik", "Daniel", "Marius",
    "Fredrik", "Sindre", "Eirik", "Håkon", "Sander", "Mathias", "Tobias", "Jakob",
    "Emil", "Kristoffer", "Petter", "Vegard", "Steinar", "Rolf", "Helge", "Leif", "Frode",
    "Eivind", "Sverre", "Torbjørn", "Halvor", "Aksel", "Filip", "Noah", "Oskar", "Sigurd",
)

LAST: tuple[str, ...] = (
    "Hansen", "Johansen", "Olsen", "Larsen", "Andersen", "Pedersen", "Nilsen",
    "Kristiansen", "Jensen", "Karlsen", "Johnsen", "Pettersen", "Eriksen", "Berg",
    "Haugen", "Hagen", "Johannessen", "Andreassen", "Jacobsen", "Dahl", "Jørgensen",
    "Halvorsen", "Henriksen", "Lund", "Sørensen", "Jakobsen", "Moen", "Gundersen",
    "Iversen", "Strand", "Solberg", "Svendsen", "Eide", "Knutsen", "Martinsen", "Paulsen",
    "Bakken", "Kristoffersen", "Mathisen", "Lie", "Amundsen", "Nguyen", "Rasmussen",
    "Ali", "Lunde", "Solheim", "Berge", "Moe", "Nygård", "Bakke", "Kristensen",
    "Fredriksen", "Holm", "Lien", "Hauge", "Christensen", "Andresen", "Nielsen",
    "Knudsen", "Evensen", "Sæther", "Aas", "Myhre", "Hanssen", "Ahmed", "Haugland",
    "Thomassen", "Sivertsen", "Simonsen", "Danielsen", "Berntsen", "Sandvik", "Rønning",
    "Arnesen", "Antonsen", "Næss", "Vik", "Haug", "Ellingsen", "Thorsen", "Edvardsen",
    "Birkeland", "Isaksen", "Gulbrandsen", "Ruud", "Aasen", "Strøm", "Myklebust",
    "Tangen", "Ødegård", "Eliassen", "Helland", "Bøe", "Jenssen", "Aune", "Mikkelsen",
    "Tveit", "Brekke", "Abrahamsen", "Madsen", "Fjeld", "Sletten", "Nordby", "Engen",
)

# Workers from abroad: (first names, last names) per origin. Building, cleaning, fish
# processing and hotels employ many of them; a share work on D-numbers.
FOREIGN: tuple[tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]], ...] = (
    # (female first, male first, last)
    (("Anna", "Katarzyna", "Magdalena", "Agnieszka", "Joanna"),
     ("Piotr", "Tomasz", "Marcin", "Krzysztof", "Paweł", "Michał", "Łukasz"),
     ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kowalczyk", "Kamiński", "Lewandowski", "Zieliński")),
    (("Rūta", "Jurgita", "Aistė"),
     ("Tomas", "Mantas", "Darius", "Andrius", "Jonas"),
     ("Kazlauskas", "Jankauskas", "Petrauskas", "Stankevičius", "Vasiliauskas")),
    (("Karin", "Lena", "Emma", "Maria"),
     ("Johan", "Mikael", "Niklas", "Oskar"),
     ("Andersson", "Lindqvist", "Johansson", "Nilsson", "Eriksson", "Lindberg")),
    (("Fatima", "Amina", "Hodan", "Layla"),
     ("Abdi", "Mohamed", "Ahmed", "Yusuf", "Omar"),
     ("Mohamed", "Ali", "Hassan", "Abdullahi", "Hussein")),
    (("Thi Lan", "Mai", "Linh"),
     ("Minh", "Duc", "Van Long"),
     ("Nguyen", "Tran", "Pham", "Le")),
    (("Maria", "Ana", "Jovelyn"),
     ("Jose", "Mark", "Ramon"),
     ("Santos", "Reyes", "Cruz", "Garcia")),
)

STREETS: tuple[str, ...] = (
    "Storgata", "Kirkegata", "Skolegata", "Strandveien", "Parkveien", "Solbakken",
    "Granveien", "Bjørkeveien", "Furuveien", "Eikeveien", "Lønneveien", "Sjøgata",
    "Fjellveien", "Industriveien", "Stasjonsveien", "Jernbanegata", "Markveien",
    "Tollbodgata", "Kongens gate", "Dronningens gate", "Prinsens gate", "Torggata",
    "Fjordveien", "Havnegata", "Bakkeveien", "Myrveien", "Åsveien", "Rosenborggata",
    "Møllerveien", "Kløverveien", "Liaveien", "Nedre Storgate", "Øvre Bakklandet",
    "Elvegata", "Bryggeveien", "Tunveien", "Skogveien", "Blåbærstien", "Lyngveien",
    "Sentrumsveien", "Prestegårdsveien", "Gamle Drammensvei", "Hagaløkkveien",
    "Sandakerveien", "Thereses gate", "Ole Bulls gate", "Olav Tryggvasons gate",
    "Nordre gate", "Søndre gate", "Vestre Strandgate", "Østre Hagevei", "Rådhusgata",
)

# Client names are built like real ones: an owner's surname, a place-like word or the
# municipality, then what the business does ("Solberg Rør AS", "Kafé Nordlys AS").
PLACE_WORDS: tuple[str, ...] = (
    "Nordlys", "Fjellheim", "Havblikk", "Solsiden", "Vestkyst", "Fjordgløtt", "Bryggen",
    "Torget", "Sentrum", "Elvebakken", "Sjøsiden", "Midtbyen", "Granli", "Bjørkely",
    "Furuly", "Kvernhuset", "Sagbruket", "Kaien", "Nyhavna", "Tindeheia", "Polarlys",
    "Midnattsol", "Brattøra", "Fyrlykta", "Nordkyst", "Sølvberget", "Bakklandet",
    "Lysaker", "Kystlys", "Fossen", "Havgløtt", "Vidda", "Tinden", "Lia", "Åsen",
)

AGENCY_NAMES: tuple[str, ...] = (
    "Fjordlønn Byrå AS",
    "Nordlys Lønnsservice AS",
    "Vestlandslønn Byrå AS",
    "Lønnskontoret Midt AS",
    "Fjell og Fjord Regnskap AS",
)

# Staff names: a payroll agency's people, kept apart from employee names only by the
# generator (they are drawn from the same lists).
ASCII_FOLD = str.maketrans({"æ": "ae", "ø": "o", "å": "a", "é": "e", "ü": "u", "ö": "o", "ä": "a"})
"""For logins and e-mail addresses: OS logins are plain ASCII."""
