"""What makes a name an armed actor, and whose a generic word is (Django-free).

Used by ``actors.ActorIndex``:

- **generic aliases** ("police", "the opposition", "rebels", "pro-government forces") name
  a role, not a group: they belong to the story's country, resolved once its places are
  known, and never vote for a country themselves (a South Sudan note saying "opposition" is
  not Syrian because Syria's rebels are called that too);
- **not an actor**: a generic word that only qualifies another noun ("police station",
  "opposition activists", "opposition-held areas");
- **candidates** are proposed only for names that look like armed groups: a head word
  ("Brigade", "Front", "Army", "Jaish ...") with a name of its own, never a lone word, a
  dateline, a person or an organisation (``not_places.organisation_spans``);
  "Daraa Army units" (SANA's "army units in Daraa") and "Russian Aerospace Forces" are
  state forces, not new groups.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from .countries import country_of
from .normalize import normalize_name

# Nouns a generic actor word may qualify and still name the actor ("police forces",
# "regime airstrikes", "opposition positions").
_ACTOR_NOUNS = {
    "forces", "force", "troops", "soldiers", "fighters", "units", "unit", "militia",
    "militias", "militiamen", "gunmen", "men", "officers", "officer", "personnel", "patrol",
    "patrols", "convoy", "jets", "warplanes", "planes", "aircraft", "helicopters", "drones",
    "artillery", "tanks", "airstrikes", "strikes", "raids", "shelling", "bombardment", "fire",
    "attack", "attacks", "offensive", "assault", "rockets", "missiles", "shells", "mortars",
    "snipers", "positions", "position", "checkpoint", "checkpoints", "commander",
    "commanders", "groups", "group", "factions", "faction", "brigades", "battalions",
    "members", "elements", "ranks", "lines", "bases", "base"}
# Words after a hyphen that make a generic word describe a place: "opposition-held".
_HELD = {"held", "controlled", "run", "dominated", "besieged", "occupied"}

# Head words of armed groups' names, last ("the Sultan Murad Division") or, in Arabic,
# first ("Jaish al-Islam", "Liwa al-Quds", "Harakat Nour al-Din al-Zenki").
ARMED_HEADS = {"brigade", "brigades", "battalion", "battalions", "front", "army", "movement",
               "forces", "militia", "militias", "corps", "division", "divisions", "regiment",
               "legion", "guard", "guards", "group", "mujahideen", "mujahidin"}
ARABIC_HEADS = {"jaish", "jaysh", "jeish", "liwa", "liwaa", "harakat", "haraka", "jabhat",
                "jabha", "kataib", "kataeb", "katibat", "katiba", "saraya", "faylaq", "failaq",
                "ahrar", "ansar", "tajamu", "tajammu", "alwiya", "alwiyat", "firqat", "fawj",
                "jund", "junud", "hurras", "hayat", "asaib", "ansarullah"}
# Words that make a "<Country> ... Forces" a state's own forces, not a group.
_STATE_WORDS = {"aerospace", "air", "armed", "special", "navy", "naval", "army", "military",
                "security", "defense", "defence", "republican", "border", "ground", "land",
                "marine", "marines", "elite", "presidential", "internal", "police"}
# Capitalised words that never name a group on their own.
_LONE = {"army", "forces", "front", "movement", "group", "council", "coalition", "militia",
         "brigade", "battalion", "division", "corps", "the", "a", "an", "of", "and", "al",
         "el", "free", "national", "islamic", "islamist", "armed", "popular", "special",
         "military", "rebel", "opposition", "government", "regime", "syrian", "arab",
         "democratic", "revolutionary", "new"}
_TRAILING_PUNCT = re.compile(r"[\s(\[\-–,;:]+$")


# Words that name a role any country's conflict has, not one party of one conflict:
# "police", "the opposition", "rebel forces", "coalition airstrikes" ("regime" is not one:
# news use it for Syria's government).
_ROLE_WORDS = {
    "the", "police", "policemen", "army", "military", "troops", "soldiers", "forces",
    "force", "opposition", "rebels", "rebel", "insurgents", "insurgent", "militants",
    "militant", "militia", "militias", "government", "pro-government", "anti-government",
    "pro", "anti", "security", "armed", "groups", "group", "factions", "faction", "fighters",
    "coalition", "national", "state", "airstrikes", "air", "strikes", "raids", "warplanes",
    "jets", "aircraft", "helicopters", "drones", "artillery", "post", "posts", "units",
    "-"}


def is_generic_alias(alias: str) -> bool:
    """"police", "the opposition", "rebel forces": a role, no name of its own."""
    words = re.findall(r"[\w']+|-", alias.lower())
    return alias == alias.lower() and bool(words) and all(w in _ROLE_WORDS for w in words)


def qualifies_another_noun(span: Span) -> bool:
    """"police station", "opposition activists", "opposition-held": the words describe
    something else and name no actor."""
    doc = span.doc
    end = span.end
    if end < len(doc) and doc[end].text in ("-", "–") and end + 1 < len(doc) and \
            doc[end + 1].lower_ in _HELD:
        return True
    if end >= len(doc):
        return False
    nxt = doc[end]
    return nxt.pos_ == "NOUN" and nxt.lower_ not in _ACTOR_NOUNS and \
        nxt.lemma_.lower() not in _ACTOR_NOUNS and span[-1].head.i == nxt.i


def candidate_kind(span: Span) -> tuple[str, str | None] | None:
    """What an unknown name that may be a group is: ("candidate", None) for a name that
    looks like an armed group's, ("state", country code or None for the story's) for a
    state's units ("Daraa Army units", "Russian Aerospace Defense Forces"), None for
    anything else (a lone "Army", "the Syrian Coalition", "Security Council")."""
    words = [t.text for t in span if t.is_alpha or "-" in t.text]
    if not words:
        return None
    lower = [w.lower() for w in words]
    first = lower[0].split("-")[0]
    armed_last = lower[-1] in ARMED_HEADS
    armed_first = first in ARABIC_HEADS or lower[0] in ARMED_HEADS and "of" in lower[1:2]
    if not (armed_last or armed_first):
        return None
    # A state's own forces: "Russian Aerospace Forces", "Turkeys Special Forces".
    cc = country_of(words[0]) or (country_of(words[0][:-1]) if words[0].endswith("s")
                                  else None)
    if cc and armed_last and len(words) >= 3 and lower[1] in _STATE_WORDS:
        return "state", cc
    # SANA: "Daraa Army units", "Damascus Countryside Army units": the army's units there.
    doc = span.doc
    after = doc[span.end].lower_ if span.end < len(doc) else ""
    if lower[-1] == "army" and (after in ("unit", "units") or "countryside" in lower):
        return "state", None
    own = [w for w in lower[1:] if w not in _LONE and w not in ARMED_HEADS] if armed_first \
        else [w for w in lower if w not in _LONE and w not in ARMED_HEADS]
    # "Army of Conquest", "Army of Mujahideen": a name after "of" is the group's own.
    named_of = "of" in lower[1:-1] and words[-1][:1].isupper() and armed_last is False or (
        "of" in lower[1:] and lower[0] in ARMED_HEADS and words[-1][:1].isupper())
    modifiers = [w for w in lower if w not in ARMED_HEADS and w not in ("the", "of", "and")]
    if not own and not named_of and len(modifiers) < 2:
        return None  # "Army", "the Free Army", a lone "Jabhat" say no name
    return "candidate", None


def clean_name(text: str) -> str:
    """A candidate's name without the article before it or punctuation after it."""
    text = re.sub(r"^(?:the)\s+", "", text.strip(), flags=re.I)
    return _TRAILING_PUNCT.sub("", text)


def same_name(a: str, b: str) -> bool:
    return normalize_name(a) == normalize_name(b)
