"""A faster way to find where spaCy's attribute ruler applies, with the same result.

The English model's ``attribute_ruler`` maps each tag to its part of speech and morphology
and fixes ~30 exceptions ("gonna", "y'all", "there is"). spaCy finds the tokens with a
general ``Matcher`` that tries every one of the 179 rules on every token, several of them
through Python predicates (``REGEX``, ``IN``): about a tenth of the whole model's time on
news text, more than the tagger and the lemmatizer together.

``speed_up`` gives the ruler a ``match`` that tests each rule on all of a doc's tokens at
once, as numpy masks over the doc's attribute arrays (a multi-token rule: its masks
shifted and combined). The rules, their order (a later rule wins) and ``set_annotations``
stay spaCy's, so the annotations are the same (tests/ingest/nlp/test_attribute_rules.py
compares every token attribute with spaCy's own). A ruler with a pattern this module does
not understand keeps spaCy's matcher.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
from spacy.attrs import DEP, IS_PUNCT, IS_SPACE, LOWER, ORTH, POS, TAG
from spacy.pipeline import AttributeRuler
from spacy.strings import StringStore
from spacy.tokens import Doc

# The token attributes the rules may test, read for a whole doc at once as the Matcher
# reads them: string attributes as their hashes, flags as 0/1.
_COLUMNS = {"TAG": TAG, "LOWER": LOWER, "ORTH": ORTH, "DEP": DEP, "POS": POS,
            "IS_SPACE": IS_SPACE, "IS_PUNCT": IS_PUNCT}
_FLAGS = {"IS_SPACE", "IS_PUNCT"}
_COLUMN_IDS = list(_COLUMNS.values())
_COLUMN = {key: i for i, key in enumerate(_COLUMNS)}
Mask = Callable[[np.ndarray], np.ndarray]  # the doc's columns -> which tokens match


class _Unsupported(Exception):
    pass


def _hashes(values, strings: StringStore) -> np.ndarray:
    return np.array([strings.add(v) if v else 0 for v in values], dtype=np.uint64)


def _value_mask(key: str, value, strings: StringStore) -> Mask:
    col = _COLUMN[key]
    if key in _FLAGS:
        if not isinstance(value, bool):
            raise _Unsupported(value)
        flag = np.uint64(value)
        return lambda cols: cols[col] == flag
    if isinstance(value, str):
        wanted = _hashes([value], strings)[0]
        return lambda cols: cols[col] == wanted
    if isinstance(value, dict) and len(value) == 1:
        (op, arg), = value.items()
        if op == "IN":
            allowed = _hashes(arg, strings)
            return lambda cols: np.isin(cols[col], allowed)
        if op == "NOT_IN":
            refused = _hashes(arg, strings)
            return lambda cols: ~np.isin(cols[col], refused)
        if op == "REGEX":
            search = re.compile(arg).search
            seen: dict[int, bool] = {}

            def matches(cols):
                values = cols[col]
                for h in set(values.tolist()) - seen.keys():
                    seen[h] = search(strings[h]) is not None
                return np.isin(values, np.array([h for h, hit in seen.items() if hit],
                                                dtype=np.uint64))
            return matches
    raise _Unsupported(value)


def _token_mask(spec: dict, strings: StringStore) -> Mask:
    if "OP" in spec or any(key not in _COLUMNS for key in spec):
        raise _Unsupported(spec)
    masks = [_value_mask(key, value, strings) for key, value in spec.items()]
    if not masks:
        raise _Unsupported(spec)

    def mask(cols):
        result = masks[0](cols)
        for other in masks[1:]:
            result &= other(cols)
        return result
    return mask


def _compile(ruler: AttributeRuler) -> list[tuple[int, int, list[Mask]]]:
    """(rule id, match id, a mask per pattern token) of every pattern, in rule order."""
    strings = ruler.vocab.strings
    patterns = []
    for rule_id, rule in enumerate(ruler.patterns):
        match_id = strings.add(str(rule_id))
        for pattern in rule["patterns"]:
            if not pattern:
                raise _Unsupported(pattern)
            patterns.append((rule_id, match_id, [_token_mask(spec, strings)
                                                 for spec in pattern]))
    return patterns


def speed_up(ruler: AttributeRuler) -> bool:
    """Give ``ruler`` the vectorised ``match``; False (and spaCy's matcher kept) when one
    of its patterns uses something this module does not handle."""
    try:
        patterns = _compile(ruler)
    except _Unsupported:
        return False

    def match(doc: Doc):
        n = len(doc)
        cols = doc.to_array(_COLUMN_IDS).astype(np.uint64, copy=False).T
        matches = []
        for rule_id, match_id, masks in patterns:
            length = len(masks)
            if length > n:
                continue
            hits = masks[0](cols)[:n - length + 1]
            for k, mask in enumerate(masks[1:], start=1):
                hits &= mask(cols)[k:n - length + 1 + k]
            matches.extend((rule_id, match_id, start, start + length)
                           for start in np.flatnonzero(hits).tolist())
        # As AttributeRuler.match: by rule, so that later rules take precedence.
        matches.sort()
        return matches

    ruler.match = match
    return True
