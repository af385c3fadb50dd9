"""The context a place is named in, for choosing among its candidates: the words that
link a place to the one it lies in ("in", "west of", "(...)", "district"), and the tests of
being inside, near or in the district of another place. Free of Django."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .gazetteer import haversine_km
from .normalize import normalize_name, translit_form
from .types import GazetteerEntry

if TYPE_CHECKING:
    from .places import PlaceHit

_CONTAINER_WORDS = {"in", "of", "the", ",", "(", "near", "western", "eastern", "northern",
                    "southern", "north", "south", "east", "west", "rural", "northwestern",
                    "northeastern", "southwestern", "southeastern"}
# "Shamo west of Ras al-Ain", "Umm Adaseh near Manbij": a place close to the other one,
# whatever admin area either is in.
_DIRECTION_WORDS = {"near", "north", "south", "east", "west", "northwest", "northeast",
                    "southwest", "southeast", "outside"}
_NEAR_KM = 40.0
_NEAR_MAX_KM = 150.0  # "north of Chernihiv" may be the far end of its province
# "X in Y district": Y is the district around the town Y.
_DISTRICT_WORDS = {"district", "county", "subdistrict", "sub-district", "township", "nahiya"}
# A story's country is sure when named, or told by two or more of its demonyms and actors.
_SURE_COUNTRY = 1.0
# A village spelt another way is looked for in the countries the story is this much about
# (relative to its main one): "Turkish forces captured Tell Halaf from QSD" is in Syria.
_LOCAL_SHARE = 0.25
# "Al Huda hospital in Hur": a facility named after someone, in the place that follows.
_FACILITY_WORDS = {"hospital", "school", "prison", "base", "airport", "airbase", "mosque",
                   "checkpoint", "station", "bridge", "dam", "factory", "market", "field",
                   "oilfield", "hill", "mount", "roundabout", "crossing", "junction", "barracks"}
# Words after an admin area's name that say the area is meant, not its namesake town.
# Not "district": a district is named after its main town ("Farah district").
_ADMIN_WORDS = {"province", "governorate", "region", "state", "countryside", "county",
                "oblast", "prefecture"}
# A place found by another spelling of its name must lie this close to a place the
# text names unambiguously (or share its admin area).
_TRANSLIT_NEAR_KM = 60.0
# With no such place named, the consonants alone must say more than a short name does.
_TRANSLIT_ALONE_SKELETON = 4
# A country at least this far from all the story's countries is a namesake.
_FAR_COUNTRY_KM = 3000.0
# "X in Y" with X in another admin area than the town Y: still X when this close.
_INSIDE_KM = 60.0
# Below this, "X, Y province" puts X in Y even when X is one of a list.
_VILLAGE_POPULATION = 10_000
# A town this big found by a spelling variant is believed without a place beside it.
_KNOWN_TOWN_POPULATION = 20_000
# A lone word after an unknown village's name is taken for a town at least this big (or
# an admin area): "Wadi Thumah Marib".
_TRAILING_POPULATION = 50_000


def _anchors(hits: list[PlaceHit], local: set[str]) -> list[GazetteerEntry]:
    """Where the places a text names unambiguously may be (in the story's countries)."""
    out: list[GazetteerEntry] = []
    for hit in hits:
        here = [e for e in hit.candidates if not local or e.country_code in local]
        if len(here) <= 3:
            # A country says nothing about where in it a village is.
            out += [e for e in here if e.kind != "country"]
    return out


def _near(anchors: list[GazetteerEntry], entries: list[GazetteerEntry]
          ) -> list[GazetteerEntry]:
    """The entries in an anchor's admin area or close to one; all of them without anchors."""
    if not anchors:
        return entries
    admins = {(a.country_code, a.admin1_name) for a in anchors if a.admin1_name}
    return [e for e in entries if (e.country_code, e.admin1_name) in admins or any(
        haversine_km(e.lat, e.lon, a.lat, a.lon) <= _TRANSLIT_NEAR_KM for a in anchors)]


def _far_country(entry: GazetteerEntry, story: list[GazetteerEntry],
                 candidates: list[GazetteerEntry]) -> bool:
    """A country far from every country of the story, named by a word that is also a
    town's name: "withdrew from Tonga" in a note about South Sudan."""
    if not story or all(e.kind == "country" for e in candidates):
        return False
    return all(haversine_km(entry.lat, entry.lon, c.lat, c.lon) > _FAR_COUNTRY_KM
               for c in story)


def _is_namesake_of_admin(entry: GazetteerEntry) -> bool:
    """"Idlib", "Kharkiv": a town with its province's name, which texts use for either."""
    return entry.kind == "populated_place" and bool(entry.admin1_name) and normalize_name(
        entry.name).removeprefix("al ") == normalize_name(entry.admin1_name).removeprefix("al ")


def _strict(hit: PlaceHit, container: PlaceHit, link: str) -> bool:
    """Whether "X in Y" must put X inside Y. Lists of towns ("Izium, Kharkiv and
    Bakhmut") are not containment: a comma only says so for a province, and only of a
    village or a name found by another spelling or in part. Nor is a Y that names many
    places ("Valle", "Santa") or a country."""
    outer = container.chosen
    if outer is None or outer.kind == "country" or sum(
            e.country_code == outer.country_code for e in container.candidates) > 3:
        return False
    admin = outer.kind == "admin_area" or _is_namesake_of_admin(outer)
    if link == "next":
        # Two names in a row: "Sirwah Marib" is a district and its province, "Jarablus
        # Manbij" two towns of a list.
        return admin
    if link != "comma":
        return True
    return admin and (
        hit.fuzzy or hit.partial or all(e.population < _VILLAGE_POPULATION
                                        for e in hit.candidates))


def _in_district(entry: GazetteerEntry, town: PlaceHit) -> bool:
    """"Um Adese in Menbij district": in the district named after the town, by the
    entry's district name (any spelling) or, when it has none, close to the town."""
    own = {translit_form(n) for n in (entry.admin2_name, entry.admin3_name) if n}
    if own:
        return bool(own & {translit_form(town.text), translit_form(town.chosen.name)})
    return haversine_km(entry.lat, entry.lon, town.chosen.lat, town.chosen.lon) <= _INSIDE_KM


def _inside(entry: GazetteerEntry, outer: GazetteerEntry) -> bool:
    """Whether ``entry`` may lie in ``outer``: same country, and same admin area or close."""
    if entry.kind == "country":
        return True
    if entry.country_code != outer.country_code:
        return False
    if outer.kind == "admin_area" and outer.feature_code in ("ADM2", "ADM3"):
        # "Mathiang in Longochuk County": the district the village is in, when known.
        district = normalize_name(outer.name)
        if entry.admin2_name or entry.admin3_name:
            return district in (normalize_name(entry.admin2_name),
                                normalize_name(entry.admin3_name))
    if entry.admin1_name and outer.admin1_name:
        if normalize_name(entry.admin1_name) == normalize_name(outer.admin1_name):
            return True
        limit = _INSIDE_KM
    else:
        limit = 2 * _INSIDE_KM  # no admin area known to compare (South Sudan)
    return outer.kind != "admin_area" and haversine_km(
        entry.lat, entry.lon, outer.lat, outer.lon) <= limit
