"""ACLED sub-types from the words that name the means of an act (STYLE.md point 11: rules
as data).

ACLED types remote violence by its weapon ("warplanes struck" is an air strike, "rockets
fell" shelling, "a car bomb exploded" an IED), violence against civilians by what was done
to them and a battle by fighting between armed groups. So the sub-type of an act is read
from the means words closest to it: first the words of its own phrase (the trigger, its
modifiers, its subject, what it was done "with" or "by"), then those of its sentence.
"""

from __future__ import annotations

import re

from spacy.tokens import Span, Token

# Means words, most specific first: the first sub-type with a word in the context wins
# ("a suicide car bomb" is a suicide bomb, "barrel bombs dropped by helicopters" an air
# strike, "toxic gas fired in rockets" a chemical weapon). Each entry: (sub-type slug,
# regular expression over the lower-cased text of a context).
MEANS: tuple[tuple[str, str], ...] = (
    ("chemical_weapon", r"\bchemical\b|\bsarin\b|\bchlorine\b|\bnerve (?:agent|gas)\b|"
                        r"\btoxic (?:gas|gases|substance)|\bpoison(?:ous)? gas|\bgases\b|"
                        r"\bmustard gas\b"),
    ("suicide_bomb", r"\bsuicide\b|\bblew (?:himself|herself|themselves) up\b|"
                     r"\bself-detonat|\bexplosive belt|\bsuicide bomber"),
    ("grenade", r"\bgrenades?\b"),
    ("remote_explosive_landmine_ied", r"\bcar[- ]bombs?\b|\bcar bombing|\bbomb-laden|"
                                      r"\bexplosives?[- ]laden|\bbooby[- ]trap|\bied\b|"
                                      r"\bvbied\b|\bimprovised explosive|\bexplosive device|"
                                      r"\blandmines?\b|\bmines?\b|\bexplosions?\b|\bblasts?\b|"
                                      r"\bexplod|\bdetonat|\bbomb (?:attack|blast|explosion)|"
                                      r"\bbombs? (?:went off|exploded|planted)|\bplanted\b"),
    ("air_drone_strike", r"\bair ?strikes?\b|\bair-strikes?\b|\bair raids?\b|\braids?\b|"
                         r"\bwarplanes?\b|\bwar planes?\b|\bjets?\b|\baircraft\b|"
                         r"\bhelicopters?\b|\bdrones?\b|\bbarrel bombs?\b|\baerial\b|"
                         r"\bbombers?\b|\bsorties?\b|\bair force\b|\bairforce\b|"
                         r"\bbombard|\bbombing\b|\bbombed\b|\bbombs?\b|\bstrikes?\b|\bstruck\b"),
    ("shelling_artillery_missile_attack", r"\bshell(?:s|ed|ing)?\b|\bartillery\b|"
                                          r"\bmortars?\b|\brockets?\b|\bmissiles?\b|"
                                          r"\bprojectiles?\b|\bcannons?\b|\bhowitzers?\b|"
                                          r"\bkatyusha|\bgrad\b|\btank fire\b|\bshells\b"),
    ("abduction_forced_disappearance", r"\babduct|\bkidnap|\bhostages?\b"),
    ("arrests", r"\barrest|\bdetain|\bdetention\b|\brounded up\b"),
    ("disrupted_weapons_use", r"\bdefus|\bdismantl|\bintercept|\bshot down\b|\bfoiled\b"),
    ("looting_property_destruction", r"\bloot|\bplunder|\bransack|\btorch(?:ed|ing)\b|"
                                     r"\bset (?:on )?fire\b|\bdemolish"),
    ("peaceful_protest", r"\bprotest|\bdemonstrat|\brall(?:y|ies|ied)\b|\bsit-in\b"),
    ("attack", r"\bexecut|\bmassacre|\bassassinat|\bshot dead\b|\bgunned down\b|"
               r"\bbehead|\bsniper|\bstabbed\b|\bslaughter"),
    ("armed_clash", r"\bclash|\bfight|\bbattl|\bfirefight|\bambush|\bskirmish|"
                    r"\bconfrontation|\bexchange(?:d)? (?:of )?fire|\bcombat|\bstorm|"
                    r"\bassault|\boffensive\b|\brepel|\brepulse"),
)
_MEANS = tuple((slug, re.compile(rx)) for slug, rx in MEANS)

# The sub-types a kind of trigger may take: a means word of another family does not turn
# an arrest into an air strike. Remote violence and clashes may become one another ("an
# attack with rockets" is shelling); a strike word is remote violence whatever else is said.
ALLOWED: dict[str, tuple[str, ...]] = {
    "battle": ("chemical_weapon", "suicide_bomb", "grenade", "remote_explosive_landmine_ied",
               "air_drone_strike", "shelling_artillery_missile_attack", "attack",
               "armed_clash"),
    "air_strike": ("chemical_weapon", "suicide_bomb", "remote_explosive_landmine_ied",
                   "air_drone_strike"),
    "shelling": ("chemical_weapon", "shelling_artillery_missile_attack"),
    "explosion": ("chemical_weapon", "suicide_bomb", "grenade", "remote_explosive_landmine_ied"),
    "attack": ("attack", "abduction_forced_disappearance"),
    "other": ("abduction_forced_disappearance", "arrests", "disrupted_weapons_use",
              "looting_property_destruction", "peaceful_protest"),
    "casualties": ("chemical_weapon", "suicide_bomb", "grenade", "remote_explosive_landmine_ied",
                   "air_drone_strike", "shelling_artillery_missile_attack", "attack",
                   "armed_clash"),
}
# When no means word is found.
DEFAULT = {"battle": "armed_clash", "air_strike": "air_drone_strike",
           "shelling": "shelling_artillery_missile_attack", "siege": "armed_clash",
           "explosion": "remote_explosive_landmine_ied", "attack": "attack",
           "other": "other", "casualties": "armed_clash", "agreement": "agreement"}
# Weak means words: they name remote violence only when nothing else is said ("strikes"
# and "raids" may be ground raids or labour strikes; "bombing" a car bombing).
_WEAK_AIR = re.compile(r"^(?:strikes?|struck|raids?|bomb(?:s|ed|ing)?|mines?|planted|"
                       r"storm|assault|offensive)$")


def _means(text: str, allowed: tuple[str, ...], *, strong_only: bool = False) -> str | None:
    text = text.lower()
    for slug, rx in _MEANS:
        if slug not in allowed:
            continue
        for m in rx.finditer(text):
            if not (strong_only and _WEAK_AIR.match(m.group(0))):
                return slug
    return None


def local_context(tok: Token) -> str:
    """The words of an act's own phrase: the trigger, its modifiers and compounds, its
    subject's phrase and what it was done with or by ("attacks with rockets", "warplanes
    struck", "a bomb attack", "killed by a car bomb")."""
    words = [tok]
    for c in tok.children:
        if c.dep_ in ("compound", "amod", "nmod", "nsubj", "nsubjpass", "agent", "poss") or (
                c.dep_ == "prep" and c.lower_ in ("with", "by", "using", "of")):
            words += list(c.subtree)
    if tok.dep_ in ("compound", "amod") and tok.head is not tok:
        words += [tok.head, *(c for c in tok.head.children if c.dep_ in ("compound", "amod"))]
    if tok.dep_ == "pobj" and tok.head.head is not tok.head:
        # "killed in an air strike", "wounded by shells": the noun is the means.
        words.append(tok.head.head)
    return " ".join(t.text for t in sorted(set(words), key=lambda t: t.i))


def sub_type(kind: str, tok: Token, sent: Span) -> str:
    """The ACLED sub-type of an act of ``kind`` whose trigger is ``tok`` in ``sent``."""
    allowed = ALLOWED.get(kind)
    if allowed is None:
        return DEFAULT.get(kind, "other")
    # A chemical or a suicide attack is told so anywhere in its sentence ("bombs loaded
    # with chlorine", "a bomber who blew himself up").
    found = _means(sent.text, tuple(s for s in ("chemical_weapon", "suicide_bomb")
                                    if s in allowed))
    if found is None:
        found = _means(local_context(tok), allowed)
    if found is None:
        found = _means(sent.text, allowed, strong_only=True)
    if found is None:
        found = DEFAULT.get(kind, "other")
    if found == "armed_clash" and _on_civilians(tok):
        return "attack"  # "gunmen shot a teacher": violence against civilians
    return found


# The people an act on whom is violence against civilians, not a battle.
CIVILIANS = {"civilian", "people", "man", "woman", "child", "resident", "teacher", "shepherd",
             "farmer", "worker", "family", "villager", "student", "doctor", "journalist",
             "boy", "girl", "person", "passer", "passenger", "driver", "displaced",
             "refugee", "official", "activist", "mayor", "cleric", "imam", "merchant",
             "nurse", "elder", "infant", "baby"}


def _on_civilians(tok: Token) -> bool:
    """Whether an act's object is civilians: "shot a teacher", "a civilian was shot",
    "opened fire on residents"."""
    targets = [c for c in tok.children if c.dep_ in ("dobj", "nsubjpass")]
    targets += [g for c in tok.children if c.dep_ == "prep" and c.lower_ in ("on", "against")
                for g in c.children if g.dep_ == "pobj"]
    cur = tok
    while not targets and cur.dep_ == "conj" and cur.head is not cur:
        cur = cur.head  # "a civilian was shot and killed"
        targets = [c for c in cur.children if c.dep_ in ("dobj", "nsubjpass")]
    return any(t.lemma_.lower() in CIVILIANS for t in targets)


def is_weak_air_word(word: str) -> bool:
    return bool(_WEAK_AIR.match(word.lower()))


def territory_sub_type(gainer_kinds: list[tuple[str, str]], place_country: str,
                       handed_over: bool) -> str:
    """A change of control: handed over without fighting, taken back by the state's forces
    (or a foreign state fighting on its side), or taken by anyone else.
    ``gainer_kinds``: (actor kind, country code) of the side that gains."""
    if handed_over:
        return "non_violent_transfer_of_territory"
    for kind, country in gainer_kinds[:1]:
        if kind == "state_forces" and (not country or not place_country
                                       or country == place_country):
            return "government_regains_territory"
        if kind == "foreign_state" and country in STATE_ALLIES.get(place_country, ()):
            return "government_regains_territory"
    return "non_state_actor_overtakes_territory"


# Foreign states whose forces fight beside a country's government: their gains are the
# government's regains (ACLED codes them so).
STATE_ALLIES: dict[str, tuple[str, ...]] = {
    "SY": ("RU", "IR"),
    "IQ": ("IR", "US"),
    "ML": ("FR",),
    "SO": ("KE", "ET", "US"),
    "YE": ("SA", "AE"),
    "AF": ("US",),
}
