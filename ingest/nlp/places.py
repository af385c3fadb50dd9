"""Place mentions: candidate spans looked up in the gazetteer, then disambiguated.

Candidates are the token runs of ``place_runs`` (the model's entities and capitalised
words after a locative word). Nothing is loaded into an EntityRuler: each candidate is a
dict look-up, then another spelling, then its known parts. Among the gazetteer entries a
name may refer to, the choice weighs the countries the document is about, the place it is
said to be in ("Saraqib in Idlib", "Tall Rasho (Hama)"), the population and the
closeness to the document's other places.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from spacy.tokens import Doc

from .gazetteer import FUZZY_GLOBAL_POPULATION, Gazetteer, haversine_km
from .normalize import normalize_name, translit_key
from .place_context import (
    _ADMIN_WORDS,
    _CONTAINER_WORDS,
    _DIRECTION_WORDS,
    _DISTRICT_WORDS,
    _FACILITY_WORDS,
    _KNOWN_TOWN_POPULATION,
    _LOCAL_SHARE,
    _NEAR_KM,
    _NEAR_MAX_KM,
    _SURE_COUNTRY,
    _TRAILING_POPULATION,
    _TRANSLIT_ALONE_SKELETON,
    _anchors,
    _far_country,
    _in_district,
    _inside,
    _near,
    _strict,
)
from .place_runs import (
    GENERIC,
    PARTICLES,
    PREFIXES,
    STOP,
    candidate_runs,
    gaps,
    is_acronym,
    strip,
)
from .types import GazetteerEntry

# "al-Qaeda-affiliated", "Hezbollah-led": the name before is a group's.
_GROUP_MODIFIERS = {"affiliated", "linked", "backed", "led", "allied", "aligned", "loyal",
                    "inspired"}


def _named_thing(doc: Doc, start: int, end: int) -> bool:
    """A people the model names ("Kurdish"), or a group a modifier marks ("al-Qaeda-
    affiliated"): never another spelling of a village ("Kardish", "Qadah")."""
    if any(doc[t].ent_type_ == "NORP" for t in range(start, end)):
        return True
    after = doc[end:end + 2]
    return len(after) == 2 and after[0].text == "-" and after[1].lower_ in _GROUP_MODIFIERS


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
    partial: bool = False  # a known part of a longer, unknown name ("Marib" of "Wadi Thumah Marib")
    run_end: int = -1  # where the words read as this name ended (the unknown rest included)

    @property
    def precision(self) -> str:
        if self.chosen is None:
            return "unknown"
        return {"admin_area": "region", "country": "country"}.get(self.chosen.kind, "exact")


class PlaceResolver:
    """Finds and resolves the places of a parsed document against a gazetteer."""

    def __init__(self, gazetteer: Gazetteer):
        self.gazetteer = gazetteer

    def _exact(self, doc: Doc, start: int, end: int
               ) -> tuple[int, int, list[GazetteerEntry] | None]:
        """(start, end, entries) of a token run looked up as written; entries None when
        the run cannot be a place name at all."""
        start, end = strip(doc, start, end)
        if start >= end:
            return start, end, None
        text = doc[start:end].text
        if normalize_name(text) in STOP or len(text) < 3 or (
                end - start == 1 and doc[start].lower_ in PREFIXES):
            return start, end, None
        # Other spellings ("Tell" / "Tall") are tried later, with the story's places known.
        entries = self.gazetteer.lookup(text, variants=False)
        if is_acronym(text):
            # An acronym ("SANA", "QSD") is not a place even when a place has it as a name.
            entries = [e for e in entries if e.kind == "country"
                       or normalize_name(e.name) == normalize_name(text)]
        return start, end, entries

    def _sub_runs(self, doc: Doc, start: int, end: int, accept, taken: set[int]
                  ) -> list[tuple[int, int, list[GazetteerEntry]]]:
        """"Wadi Thumah Marib", "Mukalla Hadramawt coast": the known parts of a longer run,
        longest first, each with the entries ``accept`` keeps of it."""
        out: list[tuple[int, int, list[GazetteerEntry]]] = []
        free = set(range(start, end)) - taken
        for size in range(end - start - 1, 0, -1):
            for s in range(start, end - size + 1):
                if not free.issuperset(range(s, s + size)):
                    continue
                sub = doc[s:s + size]
                if sub[0].lower_ in PARTICLES or sub[-1].lower_ in PARTICLES or \
                        normalize_name(sub.text) in STOP or len(sub.text) < 4 or \
                        sub[-1].lower_ in PREFIXES and not (
                            size > 1 and sub[-2].lower_ in PARTICLES) or \
                        sub[0].lower_ in GENERIC:
                    continue
                if s > start and (doc[s - 1].lower_ in PARTICLES or
                                  s - 1 == start and doc[start].lower_ in PREFIXES):
                    continue  # "Safa" of "Umm al Safa" is the end of the name
                # Spelling variants only for names of several words ("Ras Al Ain").
                entries = accept(self.gazetteer.lookup(sub.text, variants=size > 1))
                if size == 1 and s > start:
                    # A lone word after an unknown name is a province or a city named after
                    # the village ("Wadi Thumah Marib"), not the end of the village's name.
                    entries = [e for e in entries if e.kind != "populated_place"
                               or e.population >= _TRAILING_POPULATION]
                if entries:
                    out.append((s, s + size, entries))
                    free.difference_update(range(s, s + size))
        return out

    def _translit(self, text: str, countries: dict[str, float], context: list[PlaceHit],
                  strong: bool, anchored: bool = False) -> list[GazetteerEntry]:
        """Entries ``text`` may be another romanisation of ("Ein Issa", "‘Ayn ‘Īsá"),
        by the gazetteer's spelling variants ("Tell" / "Tall") or by consonant skeleton.

        Only in the countries the story is mostly about and, when it names other places
        unambiguously, in their admin area or close to them: a village spelt loosely is
        near the places named beside it, not anywhere in the country.
        """
        top = max(countries.values(), default=0.0)
        named = {cc for cc, w in countries.items() if w > 0}
        local = {cc for cc in named if countries[cc] >= _LOCAL_SHARE * top}
        anchors = _anchors(context, local)

        def believable(e: GazetteerEntry) -> bool:
            if not named:
                # A story that names no country: a place beside one the text names
                # unambiguously ("Jowhar (Middle Shabele)"), or a name the model calls a
                # place for somewhere big (not a province on another continent).
                return bool(anchors) and bool(_near(anchors, [e])) or (
                    strong and e.population >= FUZZY_GLOBAL_POPULATION)
            # A city or a province is news in any country the text names ("Turkish forces
            # shelled Quamishli"); a village only in the country the story is mostly about.
            return e.country_code in named and (
                e.country_code in local or e.kind != "populated_place"
                or e.population >= FUZZY_GLOBAL_POPULATION)

        # The gazetteer's spelling variants ("Ras al Ain" / "Ra's al 'Ayn") are rules, not
        # guesses: a town is taken without a place beside it, a village only near one.
        # (In any country the story is much about, as the choice among names allows.)
        variants = [e for e in self.gazetteer.lookup(text) if believable(e) or named and
                    countries.get(e.country_code, 0.0) >= 0.25 * top]
        near = _near(anchors, variants)
        variants = [e for e in variants if e in near or e.kind != "populated_place"
                    or e.population >= _KNOWN_TOWN_POPULATION]
        if variants and (anchors or not anchored):
            return list(dict.fromkeys(variants))
        matches = [(e, r) for e, r in self.gazetteer.lookup_translit(text, countries=named)
                   if believable(e)]
        if not matches:
            return []
        if not anchors and (anchored or len(translit_key(text)) < _TRANSLIT_ALONE_SKELETON):
            # Nothing to check a short name against: "Arbain" is also a town 500 km off.
            return []
        near = _near(anchors, [e for e, _ in matches])
        matches = [(e, r) for e, r in matches if e in near]
        if not matches:
            return []
        best = max(r for _, r in matches)
        return list(dict.fromkeys(e for e, r in matches if r >= best - 0.05))

    def find(self, doc: Doc, *, exclude: set[int],
             countries: dict[str, float] | None = None) -> list[PlaceHit]:
        """Place mentions of ``doc``; tokens in ``exclude`` (actors, accords) are skipped.

        Runs are looked up as written first; those left are then tried as another
        romanisation of a place in the story's countries (``countries``, what the text
        said so far, plus the votes of the places found as written), and last by their
        known parts (longest first), the words between those being tried as another
        spelling of a village near them.
        """
        hits: dict[tuple[int, int], PlaceHit] = {}
        taken: set[int] = set()
        runs = sorted(candidate_runs(doc), key=lambda r: (not r[2], r[0] - r[1]))
        left: list[tuple[int, int, bool]] = []

        def add(s: int, e: int, entries: list[GazetteerEntry], strong: bool,
                fuzzy: bool = False, partial: bool = False, run_end: int = -1) -> None:
            span = doc[s:e]
            hits[(s, e)] = PlaceHit(s, e, span.start_char, span.end_char, span.text, entries,
                                    strong, fuzzy=fuzzy, partial=partial,
                                    run_end=max(e, run_end))
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
                    pending.append((s, e, strong))  # its free part may still be known
                    continue
                text = doc[s:e].text
                entries = [] if is_acronym(text) or _named_thing(doc, s, e) else \
                    self._translit(text, story, known, strong)
                if entries:
                    add(s, e, entries, strong, fuzzy=True)
                else:
                    pending.append((s, e, strong))
            top = max(story.values(), default=0.0)
            local = {cc for cc, w in story.items() if w > 0 and w >= 0.5 * top}
            anchors = _anchors(known, local)

            def accept(entries: list[GazetteerEntry]) -> list[GazetteerEntry]:
                # A part of an unknown name is believed in the story's countries, near its
                # places: "Najd" of an unknown village is not a namesake 130 km off.
                if local:
                    entries = [e for e in entries if e.country_code in local]
                else:
                    entries = [e for e in entries if e.kind != "populated_place"
                               or e.population >= FUZZY_GLOBAL_POPULATION]
                return _near(anchors, entries)

            for start, end, strong in pending:
                # "Mosul Northern Iraq": "Iraq" may be a place already, "Mosul" is still free.
                parts = self._sub_runs(doc, start, end, accept, taken)
                for s, e, entries in parts:
                    add(s, e, entries, strong, partial=True, run_end=end)
                # "Madgal Marib": the words beside a known part may be a village near it
                # spelt another way; with that part to check against, they are tried too.
                context = known + [hits[(s, e)] for s, e, _ in parts]
                for s, e in gaps(doc, start, end, parts, taken) if parts else ():
                    if _named_thing(doc, s, e):
                        continue
                    entries = self._translit(doc[s:e].text, story, context, strong,
                                             anchored=True)
                    if entries:
                        add(s, e, entries, strong, fuzzy=True, run_end=end)
        return sorted(hits.values(), key=lambda h: h.start)

    def resolve(self, doc: Doc, hits: list[PlaceHit], countries: dict[str, float]) -> None:
        """Choose an entry for every hit, in two passes (the second uses closeness and
        the place each one is said to be in)."""
        names = {normalize_name(h.text) for h in hits}
        admin_names_near: dict[int, set[str]] = {}
        for i, hit in enumerate(hits):
            sent = doc[hit.start].sent
            admin_names_near[i] = {normalize_name(h.text) for h in hits
                                   if h is not hit and sent.start <= h.start < sent.end}
        top = max(countries.values()) if countries else 1.0
        story = [c for c in (self.gazetteer.country(cc) for cc, w in countries.items()
                             if w >= 0.25 * top) if c is not None]
        containers = self._containers(doc, hits)
        abroad = self._abroad(hits, countries)
        for pass_no in (1, 2):
            anchors = [h.chosen for h in hits if h.chosen is not None and len(h.candidates) == 1
                       and h.chosen.kind == "populated_place"] if pass_no == 2 else []
            for i, hit in enumerate(hits):
                best, best_score = None, -math.inf
                after = doc[hit.end].lower_ if hit.end < len(doc) else ""
                candidates = hit.candidates
                if countries:
                    # A story about Syria means "Badi" in Syria, not in Indonesia; places
                    # elsewhere need to be big and tagged as places to be believed, and a
                    # country half a world away is a namesake ("withdrew from Tonga").
                    local = [e for e in candidates
                             if countries.get(e.country_code, 0) >= 0.25 * top]
                    candidates = local or [e for e in candidates if (
                        e.kind == "country" and not _far_country(e, story, hit.candidates)
                    ) or (hit.strong and e.population >= 1_000_000)] or (
                        hit.candidates if i in abroad else [])
                outer, link = containers.get(i, (None, ""))
                if pass_no == 2 and outer is not None and outer.chosen is not None and \
                        _strict(hit, outer, link):
                    # "Zhuravno, Kharkiv", "Tall Rasho (Hama)": a namesake outside the
                    # area the text puts the place in is another place.
                    district = outer.end < len(doc) and \
                        doc[outer.end].lower_ in _DISTRICT_WORDS and \
                        outer.chosen.kind == "populated_place"
                    candidates = [e for e in candidates if _inside(e, outer.chosen)
                                  and (link != "near" or haversine_km(
                                      e.lat, e.lon, outer.chosen.lat, outer.chosen.lon)
                                      <= _NEAR_MAX_KM)
                                  and (not district or _in_district(e, outer))]
                for entry in candidates:
                    score = 3.0 * countries.get(entry.country_code, 0.0) / (top or 1.0)
                    admin = normalize_name(entry.admin1_name)
                    district = normalize_name(entry.admin2_name or entry.admin3_name)
                    if entry.kind == "populated_place" and admin and (
                            admin in admin_names_near[i]
                            or any(admin in n or n in admin for n in admin_names_near[i] if n)):
                        score += 3.0
                        if district and district in admin_names_near[i]:
                            score += 1.0  # its district named too
                    elif entry.kind == "populated_place" and district and \
                            district in admin_names_near[i]:
                        score += 3.0  # "Mathiang, Longochuk": the district said beside it
                    elif admin and admin in names:
                        score += 1.0
                    score += 0.35 * math.log10(entry.population + 1)
                    if entry.kind == "country":
                        score += 2.0
                    elif entry.kind == "admin_area":
                        score += 1.0 if after in _ADMIN_WORDS else -0.5
                    if pass_no == 2 and outer is not None and outer.chosen is not None:
                        # "Dardara in Al Hasakeh": a Dardara in another country is not it.
                        if entry.country_code != outer.chosen.country_code:
                            score -= 5.0
                        elif normalize_name(entry.admin1_name) == normalize_name(
                                outer.chosen.admin1_name):
                            score += 2.0
                        if link == "near" and haversine_km(
                                entry.lat, entry.lon, outer.chosen.lat,
                                outer.chosen.lon) <= _NEAR_KM:
                            score += 2.0  # "Shamun west of Ras Tajriba": the one close by
                    if anchors:
                        d = min(haversine_km(entry.lat, entry.lon, a.lat, a.lon) for a in anchors
                                if a is not entry) if any(a is not entry for a in anchors) else 1e9
                        score += 1.5 if d < 60 else 0.8 if d < 200 else 0.0
                    if hit.fuzzy or hit.partial:
                        # Another spelling is weaker evidence than the name itself.
                        score -= 1.0
                    if score > best_score:
                        best, best_score = entry, score
                hit.chosen, hit.score = best, best_score
        # A run the model did not call a place, in a country the story is not about and
        # too small to be news on its own, is a capitalised word that happens to be a name.
        for idx, hit in enumerate(hits):
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
            if in_story or entry.kind == "country" or idx in abroad:
                continue
            if not hit.strong and entry.population < 100_000:
                hit.chosen = None
            elif hit.strong and countries and entry.population < (
                    100_000 if elsewhere else 5_000) and entry.kind == "populated_place":
                hit.chosen = None

    @staticmethod
    def _abroad(hits: list[PlaceHit], countries: dict[str, float]) -> set[int]:
        """Hits named in a story whose countries come from its actors only ("Russian
        warplanes struck Kafr Amma"): a name all of whose places lie in one country the
        text's places do not contradict is that country's place. Demonyms name foreign
        forces, not where things happen."""
        placed = set(PlaceResolver.country_votes(hits))
        top = max(countries.values(), default=0.0)
        out: set[int] = set()
        if top >= _SURE_COUNTRY:
            # The text names the country or several of its forces: a village elsewhere
            # is a namesake ("Leylan" in Iran for a Syrian village the gazetteer lacks).
            return out
        for i, hit in enumerate(hits):
            ccs = {e.country_code for e in hit.candidates}
            if len(ccs) != 1 or hit.fuzzy or hit.partial:
                continue
            cc = next(iter(ccs))
            if (top and countries.get(cc, 0.0) >= 0.25 * top) or (placed and cc not in placed):
                continue
            out.add(i)
        return out

    @staticmethod
    def _containers(doc: Doc, hits: list[PlaceHit]) -> dict[int, tuple[PlaceHit, str]]:
        """For "X in Y", "X, Y", "X (Y)", "X in the countryside of Y": hit index -> (Y, how
        it is linked: "in", "bracket" or "comma")."""
        out: dict[int, tuple[PlaceHit, str]] = {}
        for i, hit in enumerate(hits[:-1]):
            nxt = hits[i + 1]
            # The unknown rest of a name is part of it: "Wadi [Thumah] (Sirwah)".
            rest = hit.run_end if hit.run_end <= nxt.start else hit.end
            between = doc[rest:nxt.start]
            if len(between) <= 5 and all(
                    t.lower_ in _CONTAINER_WORDS or t.lower_ in GENERIC or t.is_punct
                    or t.lower_ in _FACILITY_WORDS
                    for t in between) and hit.end <= nxt.start:
                words = {t.lower_ for t in between}
                link = "bracket" if "(" in words else "comma" if words & {",", "and"} and \
                    not words & {"in", "of"} else "near" if words & _DIRECTION_WORDS and \
                    "in" not in words else "in" if words else "next"
                out[i] = (nxt, link)
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


