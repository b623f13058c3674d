"""Places a contract's governing law or a venue names: states, provinces and countries.

A short gazetteer beats a general entity tagger here: the names are few, fixed and capitalised,
and a contract names them in fixed ways ("the laws of the State of New York").
"""

from __future__ import annotations

import re

US_STATES = """Alabama Alaska Arizona Arkansas California Colorado Connecticut Delaware Florida Georgia Hawaii
Idaho Illinois Indiana Iowa Kansas Kentucky Louisiana Maine Maryland Massachusetts Michigan Minnesota
Mississippi Missouri Montana Nebraska Nevada Ohio Oklahoma Oregon Pennsylvania Tennessee Texas Utah
Vermont Virginia Washington Wisconsin Wyoming""".split() + [
    "New Hampshire", "New Jersey", "New Mexico", "New York", "North Carolina", "North Dakota",
    "Rhode Island", "South Carolina", "South Dakota", "West Virginia", "District of Columbia",
    "Puerto Rico"]
PROVINCES = ["Alberta", "British Columbia", "Manitoba", "New Brunswick", "Newfoundland", "Nova Scotia",
             "Ontario", "Quebec", "Saskatchewan"]
COUNTRIES = ["England and Wales", "England", "Wales", "Scotland", "Northern Ireland", "United Kingdom",
             "Ireland", "United States", "Canada", "Mexico", "Brazil", "Argentina", "Chile", "Colombia",
             "Peru", "Germany", "France", "Italy", "Spain", "Portugal", "Netherlands", "Belgium",
             "Luxembourg", "Switzerland", "Austria", "Sweden", "Norway", "Denmark", "Finland", "Iceland",
             "Poland", "Czech Republic", "Hungary", "Greece", "Turkey", "Israel", "Cyprus", "Malta",
             "Russia", "Ukraine", "India", "China", "Hong Kong", "Macau", "Taiwan", "Japan", "Korea",
             "Republic of Korea", "Singapore", "Malaysia", "Thailand", "Vietnam", "Indonesia",
             "Philippines", "Australia", "New Zealand", "South Africa", "Nigeria", "Kenya", "Egypt",
             "United Arab Emirates", "Saudi Arabia", "Qatar", "Cayman Islands", "Bermuda",
             "British Virgin Islands", "Bahamas", "Barbados", "Jersey", "Guernsey", "Isle of Man",
             "Liechtenstein", "Monaco", "Gibraltar"]
# Short forms a contract writes for a place, read as the place's own name.
ALIASES = {"PRC": "People's Republic of China", "P.R.C.": "People's Republic of China",
           "P.R. China": "People's Republic of China", "People's Republic of China": "People's Republic of China",
           "U.S.A.": "United States", "USA": "United States", "U.K.": "United Kingdom", "UK": "United Kingdom"}
ALL_PLACES = sorted(set(US_STATES + PROVINCES + COUNTRIES) | set(ALIASES), key=len, reverse=True)
# Longest first, so "New York" is not found as "York" and "West Virginia" not as "Virginia".
_PLACE = re.compile(r"\b(?:" + "|".join(re.escape(p) for p in ALL_PLACES) + r")(?!\w)", re.IGNORECASE)
_CANONICAL = {p.lower(): ALIASES.get(p, p) for p in ALL_PLACES}
_UPPER_ONLY = {"PRC", "USA", "UK"}  # as words, only in capitals: "uk" or "prc" in lower case is something else


def find_places(text: str) -> list[tuple[str, int, int]]:
    """(name, start, end) of every place named in ``text``. A name counts when it starts with a
    capital ("New York", "NEW YORK"): "maine" or "jersey" in lower case are other words."""
    return [(_CANONICAL[m.group(0).lower()], m.start(), m.end()) for m in _PLACE.finditer(text)
            if m.group(0)[0].isupper() and (m.group(0).upper() not in _UPPER_ONLY or m.group(0).isupper())]
