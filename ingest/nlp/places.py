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

from .gazetteer import FUZZY_GLOBAL_POPULATION, Gazetteer, haversine_km
from .normalize import normalize_name, translit_key
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


# A place found by another spelling of its name must lie this close to a place the
# text names unambiguously (or share its admin area).
_TRANSLIT_NEAR_KM = 60.0
# With no such place named, the consonants alone must say more than a short name does.
_TRANSLIT_ALONE_SKELETON = 4


def _is_acronym(text: str) -> bool:
    return text.isupper() and len(text) <= 5


def _anchors(hits: list[PlaceHit], local: set[str]) -> list[GazetteerEntry]:
    """Where the places a text names unambiguously may be (in the story's countries)."""
    out: list[GazetteerEntry] = []
    for hit in hits:
        here = [e for e in hit.candidates if not local or e.country_code in local]
        if len(here) <= 3:
            out += here
    return out


def _near(anchors: list[GazetteerEntry], entries: list[GazetteerEntry]
          ) -> list[GazetteerEntry]:
    """The entries in an anchor's admin area or close to one; all of them without anchors."""
    if not anchors:
        return entries
    admins = {(a.country_code, a.admin1_name) for a in anchors if a.admin1_name}
    return [e for e in entries if (e.country_code, e.admin1_name) in admins or any(
        haversine_km(e.lat, e.lon, a.lat, a.lon) <= _TRANSLIT_NEAR_KM for a in anchors)]


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

    def _exact(self, doc: Doc, start: int, end: int
               ) -> tuple[int, int, list[GazetteerEntry] | None]:
        """(start, end, entries) of a token run looked up as written; entries None when
        the run cannot be a place name at all."""
        start, end = _strip(doc, start, end)
        if start >= end:
            return start, end, None
        text = doc[start:end].text
        if normalize_name(text) in _STOP or len(text) < 3 or (
                end - start == 1 and doc[start].lower_ in _PREFIXES):
            return start, end, None
        entries = self.gazetteer.lookup(text)
        if _is_acronym(text):
            # An acronym ("SANA", "QSD") is not a place even when a place has it as a name.
            entries = [e for e in entries if e.kind == "country"
                       or normalize_name(e.name) == normalize_name(text)]
        return start, end, entries

    def _sub_run(self, doc: Doc, start: int, end: int
                 ) -> tuple[int, int, list[GazetteerEntry]]:
        """"Ababi/Abebi", a longer run: its longest known sub-run."""
        for size in range(end - start - 1, 0, -1):
            for s in range(start, end - size + 1):
                sub = doc[s:s + size]
                if sub[0].lower_ in _PARTICLES or sub[-1].lower_ in _PARTICLES or \
                        normalize_name(sub.text) in _STOP or len(sub.text) < 4 or \
                        sub[-1].lower_ in _PREFIXES or (size == 1 and s > start):
                    continue
                entries = self.gazetteer.lookup(sub.text, variants=False)
                if entries:
                    return s, s + size, entries
        return start, end, []

    def _translit(self, text: str, countries: dict[str, float],
                  context: list[PlaceHit]) -> list[GazetteerEntry]:
        """Entries ``text`` may be another romanisation of ("Ein Issa", "‘Ayn ‘Īsá").

        Only in the countries the story is mostly about and, when it names other places
        unambiguously, in their admin area or close to them: a village spelt loosely is
        near the places named beside it, not anywhere in the country.
        """
        top = max(countries.values(), default=0.0)
        named = {cc for cc, w in countries.items() if w > 0}
        local = {cc for cc in named if countries[cc] >= 0.5 * top}
        # A city or a province is news in any country the text names ("Turkish forces
        # shelled Quamishli"); a village only in the country the story is mostly about.
        matches = [(e, r) for e, r in self.gazetteer.lookup_translit(text, countries=named)
                   if e.country_code in local or e.kind != "populated_place"
                   or e.population >= FUZZY_GLOBAL_POPULATION]
        if not matches:
            return []
        anchors = _anchors(context, local)
        if not anchors and len(translit_key(text)) < _TRANSLIT_ALONE_SKELETON:
            # Nothing to check a short name against: "Arbain" is also a town 500 km off.
            return []
        near = _near(anchors, [e for e, _ in matches])
        matches = [(e, r) for e, r in matches if e in near]
        if not matches:
            return []
        best = max(r for _, r in matches)
        return [e for e, r in matches if r >= best - 0.05]

    def find(self, doc: Doc, *, exclude: set[int],
             countries: dict[str, float] | None = None) -> list[PlaceHit]:
        """Place mentions of ``doc``; tokens in ``exclude`` (actors, accords) are skipped.

        Runs are looked up as written first; those left are then tried as another
        romanisation of a place in the story's countries (``countries``, what the text
        said so far, plus the votes of the places found as written), and last by their
        longest known sub-run.
        """
        hits: dict[tuple[int, int], PlaceHit] = {}
        taken: set[int] = set()
        runs = sorted(_runs(doc), key=lambda r: (not r[2], r[0] - r[1]))
        left: list[tuple[int, int, bool]] = []

        def add(s: int, e: int, entries: list[GazetteerEntry], strong: bool,
                fuzzy: bool = False) -> None:
            span = doc[s:e]
            hits[(s, e)] = PlaceHit(s, e, span.start_char, span.end_char, span.text, entries,
                                    strong, fuzzy=fuzzy)
            taken.update(range(s, e))

        for start, end, strong in runs:
            if any(t in exclude or t in taken for t in range(start, end)):
                continue
            if any(doc[t].ent_type_ in ("DATE", "TIME", "CARDINAL", "MONEY", "PERCENT")
                   for t in range(start, end)):
                continue
            s, e, entries = self._exact(doc, start, end)
            if entries is None or any(t in taken for t in range(s, e)):
                continue
            if entries:
                add(s, e, entries, strong)
            else:
                left.append((s, e, strong))
        if left:
            known = list(hits.values())
            story = dict(countries or {})
            for cc, vote in self.country_votes(known).items():
                story[cc] = story.get(cc, 0.0) + vote
            pending: list[tuple[int, int, bool]] = []
            for s, e, strong in left:
                if any(t in taken for t in range(s, e)):
                    continue
                text = doc[s:e].text
                entries = [] if _is_acronym(text) else self._translit(text, story, known)
                if entries:
                    add(s, e, entries, strong, fuzzy=True)
                else:
                    pending.append((s, e, strong))
            top = max(story.values(), default=0.0)
            anchors = _anchors(known, {cc for cc, w in story.items() if w > 0 and
                                       w >= 0.5 * top})
            for start, end, strong in pending:
                s, e, entries = self._sub_run(doc, start, end)
                # "Najd" of an unknown "Najd al Athik (Sirwah)" is not An Najd 130 km off.
                entries = _near(anchors, entries)
                if entries and not any(t in taken for t in range(s, e)):
                    add(s, e, entries, strong)
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
            # A place does not vouch for itself: its own vote for its country aside,
            # something else in the text must put the story there.
            own = PlaceResolver._vote(hit)
            own_cc = own[0] if own else ""
            in_story = countries.get(entry.country_code, 0.0) - (
                own[1] if own_cc == entry.country_code else 0.0) > 1e-9
            # "Al Nashwa in Al-Hasakeh": a town abroad in a story placed elsewhere.
            elsewhere = any(w > 0 and cc != entry.country_code for cc, w in countries.items())
            if not hit.strong and not in_story and entry.population < 100_000:
                hit.chosen = None
            elif hit.strong and not in_story and countries and entry.population < (
                    100_000 if elsewhere else 5_000) and entry.kind == "populated_place":
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
            vote = PlaceResolver._vote(hit)
            if vote:
                votes[vote[0]] = votes.get(vote[0], 0.0) + vote[1]
        return votes

    @staticmethod
    def _vote(hit: PlaceHit) -> tuple[str, float] | None:
        """The country a hit says the story is in, and how loudly."""
        ccs = {e.country_code for e in hit.candidates}
        # Only well-known places vote: a hamlet would vote for its own country.
        known = any(e.kind != "populated_place" or e.population >= 20_000
                    for e in hit.candidates)
        if len(ccs) == 1 and known and (hit.strong or len(hit.candidates) <= 2):
            # A capitalised run the model did not call a place is half a witness.
            return next(iter(ccs)), 1.0 if hit.strong else 0.5
        return None


