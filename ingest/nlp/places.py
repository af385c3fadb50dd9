"""Place mentions: candidate spans looked up in the gazetteer, then disambiguated.

Candidates are the model's GPE/LOC/FAC entities (and ORG/PERSON ones, which the small
model gives to many towns) plus capitalised word runs after a locative word ("in", "near",
"village of", "captured"). Nothing is loaded into an EntityRuler: each candidate is a dict
look-up. Among the gazetteer entries a name may refer to, the choice weighs the countries
the document is about, an admin area named beside it ("Saraqib in Idlib"), the population
and the closeness to the document's other places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from spacy.tokens import Doc

from .gazetteer import Gazetteer, haversine_km
from .normalize import normalize_name
from .types import GazetteerEntry

_NER_LABELS = {"GPE", "LOC", "FAC"}
_WEAK_LABELS = {"ORG", "PERSON", "NORP", "PRODUCT", "WORK_OF_ART", "EVENT"}
LOCATIVE = {"in", "near", "at", "from", "to", "into", "towards", "toward", "outside", "around",
            "of", "inside", "across", "on", "off", "between", "and", "captured", "seized",
            "recaptured", "retook", "took", "stormed", "entered", "liberated", "overran",
            "shelled", "besieged", "surrounded", "encircled", "targeted", "attacked", "struck",
            "bombed", "control", "reached", "via", "through", "over", "including", "west",
            "east", "north", "south", "northwest", "northeast", "southwest", "southeast"}
# Words that may sit inside a transliterated name: "Tal al Janab", "Khirbat Al-Naimah".
_PARTICLES = {"al", "el", "ad", "ar", "as", "at", "an", "az", "ash", "ed", "es", "bin", "bani",
              "bou", "de", "du", "des", "la", "le", "-", "'", "’", "ul", "wa", "abu", "um", "umm"}
_GENERIC = {"city", "town", "village", "villages", "countryside", "district", "districts",
            "province", "governorate", "area", "areas", "region", "camp", "front", "frontline",
            "sub", "subdistrict", "neighborhood", "neighbourhood", "county", "state",
            "territory", "locality", "outskirts", "desert", "plain", "axis", "road", "highway"}
_ADMIN_WORDS = {"province", "governorate", "region", "state", "countryside", "county",
                "oblast", "prefecture", "district"}
_STOP = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
         "january", "february", "march", "april", "may", "june", "july", "august", "september",
         "october", "november", "december", "operation", "the", "a", "clashes", "regime",
         "army", "forces", "no", "neither", "both", "one", "two", "un", "eu", "islamist",
         "rebel", "rebels", "opposition", "government", "military", "police", "source",
         "president", "minister", "ministry", "general", "state", "islamic state", "god",
         "allah", "north", "south", "east", "west", "center", "centre", "news", "video",
         "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
         "big", "small", "upper", "lower", "old", "new", "greater", "al", "el"}
# First words of Arabic and other place names that are places on their own elsewhere
# ("Tell" of "Tell Halaf", "Bir" of "Bir Asheq"): never looked up alone.
_PREFIXES = {"tell", "tal", "tall", "bir", "ein", "ain", "ayn", "ras", "umm", "um", "abu",
             "kafr", "kfar", "deir", "dayr", "khirbat", "khirbet", "jabal", "jebel", "wadi",
             "tel", "beit", "bayt", "maarat", "maaret", "qasr", "sheikh", "shaykh", "hay",
             "mount", "lake", "port", "san", "santa", "saint", "st", "fort", "camp", "bab",
             "khan", "jisr", "qalaat", "marj", "hayy", "harat", "mazraat"}
_MAX_RUN = 5
_CONTAINER_WORDS = {"in", "of", "the", ",", "(", "near", "western", "eastern", "northern",
                    "southern", "north", "south", "east", "west", "rural", "northwestern",
                    "northeastern", "southwestern", "southeastern"}


@dataclass(slots=True)
class PlaceHit:
    """A place mention with its gazetteer candidates and the chosen one."""

    start: int  # token offsets in the doc
    end: int
    start_char: int
    end_char: int
    text: str
    candidates: list[GazetteerEntry]
    strong: bool  # the model tagged it GPE/LOC/FAC
    chosen: GazetteerEntry | None = None
    score: float = 0.0
    context: set[str] = field(default_factory=set)  # normalised names said beside it
    fuzzy: bool = False  # found by another romanisation of the name, not the name itself

    @property
    def precision(self) -> str:
        if self.chosen is None:
            return "unknown"
        return {"admin_area": "region", "country": "country"}.get(self.chosen.kind, "exact")


def _strip(doc: Doc, start: int, end: int) -> tuple[int, int]:
    while start < end and (doc[start].lower_ in ("the", "a") or doc[start].is_punct):
        start += 1
    while end > start and (doc[end - 1].lower_ in _GENERIC or doc[end - 1].is_punct
                           or doc[end - 1].lower_ in ("'s", "’s")):
        end -= 1
    return start, end


def _runs(doc: Doc) -> list[tuple[int, int, bool]]:
    """(start, end, strong) token ranges that may name a place."""
    out: list[tuple[int, int, bool]] = []
    for ent in doc.ents:
        if ent.label_ in _NER_LABELS:
            out.append((ent.start, ent.end, True))
        elif ent.label_ in _WEAK_LABELS:
            out.append((ent.start, ent.end, False))
    i = 0
    while i < len(doc):
        tok = doc[i]
        if tok.lower_ in LOCATIVE or tok.lemma_.lower() in LOCATIVE:
            j = i + 1
            while j < len(doc) and doc[j].lower_ in ("the", "village", "town", "city", "of",
                                                     "villages", "area", "areas", "key"):
                j += 1
            k = j
            while k < len(doc) and k - j < _MAX_RUN and (
                    (doc[k].text[:1].isupper() and doc[k].is_alpha or doc[k].text[:1].isupper()
                     and "'" in doc[k].text) or (doc[k].lower_ in _PARTICLES and k > j)):
                k += 1
            while k > j and doc[k - 1].lower_ in _PARTICLES:
                k -= 1
            if k > j:
                out.append((j, k, False))
            i = max(i + 1, j)
        else:
            i += 1
    return out


class PlaceResolver:
    """Finds and resolves the places of a parsed document against a gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def _lookup(self, doc: Doc, start: int, end: int, countries: dict[str, float]
                ) -> tuple[int, int, list[GazetteerEntry], bool]:
        """(start, end, entries, fuzzy) of the place a token run names, if any."""
        start, end = _strip(doc, start, end)
        if start >= end:
            return start, end, [], False
        text = doc[start:end].text
        if normalize_name(text) in _STOP or len(text) < 3 or (
                end - start == 1 and doc[start].lower_ in _PREFIXES):
            return start, end, [], False
        # An acronym ("SANA", "QSD") is not a place even when a place has it as a name.
        acronym = text.isupper() and len(text) <= 5
        entries = self.gazetteer.lookup(text)
        if acronym:
            entries = [e for e in entries if e.kind == "country"
                       or normalize_name(e.name) == normalize_name(text)]
        if entries:
            return start, end, entries, False
        if not acronym:
            # "Ein Issa" for "‘Ayn ‘Īsá": another romanisation of the whole run is more
            # specific than a known word inside it, but only in the story's countries.
            top = max(countries.values(), default=0.0)
            local = {cc for cc, w in countries.items() if w >= 0.25 * top and w > 0}
            matches = self.gazetteer.lookup_translit(text, countries=local)
            if matches:
                best = max(r for _, r in matches)
                return start, end, [e for e, r in matches if r >= best - 0.05], True
        # "Ababi/Abebi", a longer run: fall back on its longest known sub-run.
        for size in range(end - start - 1, 0, -1):
            for s in range(start, end - size + 1):
                sub = doc[s:s + size]
                if sub[0].lower_ in _PARTICLES or sub[-1].lower_ in _PARTICLES or \
                        normalize_name(sub.text) in _STOP or len(sub.text) < 4 or \
                        sub[-1].lower_ in _PREFIXES or (size == 1 and s > start):
                    continue
                entries = self.gazetteer.lookup(sub.text, variants=False)
                if entries:
                    return s, s + size, entries, False
        return start, end, [], False

    def find(self, doc: Doc, *, exclude: set[int],
             countries: dict[str, float] | None = None) -> list[PlaceHit]:
        """Place mentions of ``doc``; tokens in ``exclude`` (actors, accords) are skipped.

        ``countries`` (what the text says it is about so far) bounds the places matched
        by another romanisation of their name.
        """
        hits: dict[tuple[int, int], PlaceHit] = {}
        taken: set[int] = set()
        runs = sorted(_runs(doc), key=lambda r: (not r[2], r[0] - r[1]))
        for start, end, strong in runs:
            if any(t in exclude or t in taken for t in range(start, end)):
                continue
            if any(doc[t].ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT")
                   for t in range(start, end)):
                continue
            s, e, entries, fuzzy = self._lookup(doc, start, end, countries or {})
            if not entries or any(t in taken for t in range(s, e)):
                continue
            span = doc[s:e]
            hits[(s, e)] = PlaceHit(s, e, span.start_char, span.end_char, span.text, entries,
                                    strong, fuzzy=fuzzy)
            taken.update(range(s, e))
        return sorted(hits.values(), key=lambda h: h.start)

    def resolve(self, doc: Doc, hits: list[PlaceHit], countries: dict[str, float]) -> None:
        """Choose an entry for every hit, in two passes (the second uses closeness)."""
        names = {normalize_name(h.text) for h in hits}
        admin_names_near: dict[int, set[str]] = {}
        for i, hit in enumerate(hits):
            sent = doc[hit.start].sent
            admin_names_near[i] = {normalize_name(h.text) for h in hits
                                   if h is not hit and sent.start <= h.start < sent.end}
        top = max(countries.values()) if countries else 1.0
        containers = self._containers(doc, hits)
        for pass_no in (1, 2):
            anchors = [h.chosen for h in hits if h.chosen is not None and len(h.candidates) == 1
                       and h.chosen.kind == "populated_place"] if pass_no == 2 else []
            for i, hit in enumerate(hits):
                best, best_score = None, -math.inf
                after = doc[hit.end].lower_ if hit.end < len(doc) else ""
                candidates = hit.candidates
                if countries:
                    # A story about Syria means "Badi" in Syria, not in Indonesia; places
                    # elsewhere need to be big and tagged as places to be believed.
                    local = [e for e in candidates
                             if countries.get(e.country_code, 0) >= 0.25 * top]
                    candidates = local or [e for e in candidates if e.kind == "country" or (
                        hit.strong and e.population >= 1_000_000)]
                for entry in candidates:
                    score = 3.0 * countries.get(entry.country_code, 0.0) / (top or 1.0)
                    admin = normalize_name(entry.admin1_name)
                    if entry.kind == "populated_place" and admin and (
                            admin in admin_names_near[i]
                            or any(admin in n or n in admin for n in admin_names_near[i] if n)):
                        score += 3.0
                    elif admin and admin in names:
                        score += 1.0
                    score += 0.35 * math.log10(entry.population + 1)
                    if entry.kind == "country":
                        score += 2.0
                    elif entry.kind == "admin_area":
                        score += 1.0 if after in _ADMIN_WORDS else -0.5
                    outer = containers.get(i)
                    if pass_no == 2 and outer is not None and outer.chosen is not None:
                        # "Dardara in Al Hasakeh": a Dardara in another country is not it.
                        if entry.country_code != outer.chosen.country_code:
                            score -= 5.0
                        elif normalize_name(entry.admin1_name) == normalize_name(
                                outer.chosen.admin1_name):
                            score += 2.0
                    if anchors:
                        d = min(haversine_km(entry.lat, entry.lon, a.lat, a.lon) for a in anchors
                                if a is not entry) if any(a is not entry for a in anchors) else 1e9
                        score += 1.5 if d < 60 else 0.8 if d < 200 else 0.0
                    if hit.fuzzy:
                        # Another spelling is weaker evidence than the name itself.
                        score -= 1.0
                    if score > best_score:
                        best, best_score = entry, score
                hit.chosen, hit.score = best, best_score
        # A run the model did not call a place, in a country the story is not about and
        # too small to be news on its own, is a capitalised word that happens to be a name.
        for hit in hits:
            entry = hit.chosen
            if entry is None:
                continue
            in_story = countries.get(entry.country_code, 0.0) > 0
            if not hit.strong and not in_story and entry.population < 100_000:
                hit.chosen = None
            elif hit.strong and not in_story and countries and entry.population < 5_000 \
                    and entry.kind == "populated_place":
                hit.chosen = None

    @staticmethod
    def _containers(doc: Doc, hits: list[PlaceHit]) -> dict[int, PlaceHit]:
        """For "X in Y", "X, Y", "X (Y)", "X in the countryside of Y": hit index -> Y."""
        out: dict[int, PlaceHit] = {}
        for i, hit in enumerate(hits[:-1]):
            nxt = hits[i + 1]
            between = doc[hit.end:nxt.start]
            if len(between) <= 5 and all(
                    t.lower_ in _CONTAINER_WORDS or t.lower_ in _GENERIC or t.is_punct
                    for t in between) and hit.end <= nxt.start:
                out[i] = nxt
        return out

    @staticmethod
    def country_votes(hits: list[PlaceHit]) -> dict[str, float]:
        """Countries of place names that are unambiguous enough to say where a story is."""
        votes: dict[str, float] = {}
        for hit in hits:
            ccs = {e.country_code for e in hit.candidates}
            # Only well-known places vote: a hamlet would vote for its own country.
            known = any(e.kind != "populated_place" or e.population >= 20_000
                        for e in hit.candidates)
            if len(ccs) == 1 and known and (hit.strong or len(hit.candidates) <= 2):
                cc = next(iter(ccs))
                votes[cc] = votes.get(cc, 0.0) + 1.0
        return votes


