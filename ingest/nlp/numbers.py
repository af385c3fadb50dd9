"""Reading counts as news writes them: "about 170 thousand", "1.8 thousand", "1,800",
"four million", "dozens"."""

from __future__ import annotations

import re

_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1,
}
_SCALES = {"hundred": 100, "thousand": 1000, "k": 1000, "million": 1_000_000,
           "m": 1_000_000, "mln": 1_000_000, "billion": 1_000_000_000}
# Vague amounts: the smallest the word allows, so a count is never overstated.
_VAGUE = {"dozens": 24, "dozen": 12, "scores": 40, "hundreds": 200, "thousands": 2000,
          "tens of thousands": 20000, "hundreds of thousands": 200000, "several": 3,
          "a few": 2, "a couple": 2}
_NUMERIC = re.compile(r"^\d{1,3}(?:[,\s]\d{3})+(?:\.\d+)?$|^\d+(?:\.\d+)?$")


def parse_number(words: str) -> int | None:
    """The integer a phrase such as "1.8 thousand", "170,000", "two hundred" stands for."""
    text = words.strip().lower().replace("\u00a0", " ")
    text = re.sub(r"^(about|around|approximately|nearly|almost|over|more than|at least|"
                  r"some|up to|roughly|less than|fewer than|an estimated)\s+", "", text)
    if text in _VAGUE:
        return _VAGUE[text]
    # A range counts its lower bound, as ACLED codes it: "2-3", "two to three"; not the
    # compound "twenty-five".
    span = re.fullmatch(r"(.+?)\s*(?:-|–|\bto\b)\s*(.+)", text)
    if span:
        low, high = parse_number(span[1]), parse_number(span[2])
        compound = not span[1][0].isdigit() and low is not None and low % 10 == 0 \
            and low < 100 and high is not None and high < 10
        if low is not None and high is not None and low < high and not compound:
            return low
    tokens = re.findall(r"[\d.,]+|[a-z]+", text.replace("-", " "))
    if not tokens:
        return None
    total, current, seen = 0.0, 0.0, False
    for tok in tokens:
        if tok == "and":
            continue
        if tok[0].isdigit():
            if not _NUMERIC.match(tok):
                return None
            current += float(tok.replace(",", "").replace(" ", ""))
            seen = True
        elif tok in _UNITS:
            current += _UNITS[tok]
            seen = True
        elif tok in _SCALES and seen:
            scale = _SCALES[tok]
            if scale == 100:
                current *= 100
            else:
                total += current * scale
                current = 0.0
        else:
            return None
    if not seen:
        return None
    return int(round(total + current))


def is_number_word(word: str) -> bool:
    """Whether a token can be part of a written number."""
    w = word.lower()
    return bool(_NUMERIC.match(w.replace(",", ""))) or w in _UNITS or w in _SCALES or w == "and"
