"""Countries as news names them: demonyms and names to ISO codes and ACLED's spelling.

ACLED names state forces "Military Forces of <Country> (<period>)"; the period depends
on the government of the day and is kept in the registry files, this table only gives
the country part for forces the registry does not know yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    name: str
    acled_name: str
    demonyms: tuple[str, ...]


_TABLE = [
    ("AF", "Afghanistan", "Afghanistan", ("Afghan", "Afghanistan")),
    ("DZ", "Algeria", "Algeria", ("Algerian", "Algeria")),
    ("AM", "Armenia", "Armenia", ("Armenian", "Armenia")),
    ("AZ", "Azerbaijan", "Azerbaijan", ("Azerbaijani", "Azeri", "Azerbaijan")),
    ("BF", "Burkina Faso", "Burkina Faso", ("Burkinabe", "Burkina Faso")),
    ("BI", "Burundi", "Burundi", ("Burundian", "Burundi")),
    ("CM", "Cameroon", "Cameroon", ("Cameroonian", "Cameroon")),
    ("CF", "Central African Republic", "Central African Republic",
     ("Central African",)),
    ("TD", "Chad", "Chad", ("Chadian", "Chad")),
    ("CO", "Colombia", "Colombia", ("Colombian", "Colombia")),
    ("CD", "DR Congo", "the Democratic Republic of Congo", ("Congolese", "DRC", "FARDC")),
    ("EG", "Egypt", "Egypt", ("Egyptian", "Egypt")),
    ("ER", "Eritrea", "Eritrea", ("Eritrean", "Eritrea")),
    ("ET", "Ethiopia", "Ethiopia", ("Ethiopian", "Ethiopia")),
    ("FR", "France", "France", ("French", "France")),
    ("DE", "Germany", "Germany", ("German", "Germany")),
    ("IN", "India", "India", ("Indian", "India")),
    ("IR", "Iran", "Iran", ("Iranian", "Iran")),
    ("IQ", "Iraq", "Iraq", ("Iraqi", "Iraq")),
    ("IL", "Israel", "Israel", ("Israeli", "Israel")),
    ("JO", "Jordan", "Jordan", ("Jordanian",)),
    ("KE", "Kenya", "Kenya", ("Kenyan", "Kenya")),
    ("LB", "Lebanon", "Lebanon", ("Lebanese", "Lebanon")),
    ("LY", "Libya", "Libya", ("Libyan", "Libya")),
    ("ML", "Mali", "Mali", ("Malian", "Mali")),
    ("MR", "Mauritania", "Mauritania", ("Mauritanian", "Mauritania")),
    ("MZ", "Mozambique", "Mozambique", ("Mozambican", "Mozambique")),
    ("MM", "Myanmar", "Myanmar", ("Myanmar", "Burmese", "Burma")),
    ("NE", "Niger", "Niger", ("Nigerien",)),
    ("NG", "Nigeria", "Nigeria", ("Nigerian", "Nigeria")),
    ("PK", "Pakistan", "Pakistan", ("Pakistani", "Pakistan")),
    ("PS", "Palestine", "Palestine", ("Palestinian",)),
    ("PH", "Philippines", "the Philippines", ("Philippine", "Filipino")),
    ("QA", "Qatar", "Qatar", ("Qatari", "Qatar")),
    ("RU", "Russia", "Russia", ("Russian", "Russia")),
    ("RW", "Rwanda", "Rwanda", ("Rwandan", "Rwanda")),
    ("SA", "Saudi Arabia", "Saudi Arabia", ("Saudi", "Saudi Arabia")),
    ("SN", "Senegal", "Senegal", ("Senegalese",)),
    ("SO", "Somalia", "Somalia", ("Somali", "Somalia")),
    ("SS", "South Sudan", "South Sudan", ("South Sudanese", "South Sudan")),
    ("SD", "Sudan", "Sudan", ("Sudanese", "Sudan")),
    ("SY", "Syria", "Syria", ("Syrian", "Syria")),
    ("TR", "Turkey", "Turkey", ("Turkish", "Turkey", "Turkiye")),
    ("UG", "Uganda", "Uganda", ("Ugandan", "Uganda")),
    ("UA", "Ukraine", "Ukraine", ("Ukrainian", "Ukraine")),
    ("AE", "United Arab Emirates", "the United Arab Emirates", ("Emirati", "UAE")),
    ("GB", "United Kingdom", "the United Kingdom", ("British", "UK")),
    ("US", "United States", "the United States", ("American", "US", "U.S.")),
    ("YE", "Yemen", "Yemen", ("Yemeni", "Yemen")),
]
COUNTRIES: dict[str, Country] = {
    code: Country(code, name, acled, demonyms) for code, name, acled, demonyms in _TABLE}
_BY_WORD: dict[str, str] = {}
for _c in COUNTRIES.values():
    for _w in (_c.name, *_c.demonyms):
        _BY_WORD[_w.casefold()] = _c.code
# Longest first, so "South Sudanese" wins over "Sudanese".
DEMONYM_PATTERN = "|".join(re.escape(w) for w in sorted(
    {w for c in COUNTRIES.values() for w in (c.name, *c.demonyms)}, key=len, reverse=True))
_WORD_RX = re.compile(rf"(?<![\w-])(?:{DEMONYM_PATTERN})(?![\w-])", re.I)


def country_of(word: str) -> str | None:
    """ISO code of a country name or demonym ("Turkish" -> "TR")."""
    return _BY_WORD.get(word.strip().casefold())


def countries_in(text: str) -> list[str]:
    """ISO codes of the countries a text names, by name or demonym, in order."""
    return [_BY_WORD[m.group().casefold()] for m in _WORD_RX.finditer(text)
            if m.group()[0].isupper()]


def country_weights(text: str) -> dict[str, float]:
    """How much a text is about each country: a country's name says where things happen
    more surely than a demonym, which often names foreign forces ("Turkish forces")."""
    weights: dict[str, float] = {}
    for m in _WORD_RX.finditer(text):
        word = m.group()
        if not word[0].isupper():
            continue
        code = _BY_WORD[word.casefold()]
        named = word.casefold() == COUNTRIES[code].name.casefold()
        weights[code] = weights.get(code, 0.0) + (1.0 if named else 0.4)
    return weights
