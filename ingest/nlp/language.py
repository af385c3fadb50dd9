"""Language identification of article text (py3langid), so that non-English articles are
stored and marked rather than run through an English model.

A text is taken for another language only on clear evidence: it is mostly written in
another script (Arabic, Cyrillic...), or the classifier is confident over enough words.
A one-paragraph English report full of place names is often guessed to be something else
with middling confidence ("pcm" 0.57, "ha" 0.10); below the bar it is read as English.
"""

from __future__ import annotations

from functools import cache

# A few hundred characters identify a language; whole articles only cost time.
_SAMPLE_CHARS = 2000
# The classifier's confidence counts in full from this many words; below, in proportion
# (a headline or a dateline is too little to tell a language by).
ENOUGH_WORDS = 12
# Below this confidence (short texts, names, typos) the guess is not trusted and the text
# is read as English, the language the product extracts.
MIN_CONFIDENCE = 0.9
# A text this much written in letters outside the Latin script is not English.
_OTHER_SCRIPT_SHARE = 0.5


@cache
def _identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def other_script_share(text: str) -> float:
    """The share of ``text``'s letters outside the Latin script (Arabic, Cyrillic, ...)."""
    letters = [ch for ch in text if ch.isalpha()]
    if not letters:
        return 0.0
    return sum(ord(ch) > 0x24F for ch in letters) / len(letters)


def detect_language(text: str) -> tuple[str, float]:
    """The ISO 639-1 code of ``text`` and a confidence in [0, 1]; ("", 0.0) if empty.

    The confidence is the classifier's, weighed by the evidence: in full over enough
    words (``ENOUGH_WORDS``) or for a text written in another script (then at least the
    share of its letters in that script), in proportion to the words otherwise."""
    sample = (text or "").strip()[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "", 0.0
    code, prob = _identifier().classify(sample)
    prob = float(prob)
    if code == "en":
        return code, prob
    script = other_script_share(sample)
    if script >= _OTHER_SCRIPT_SHARE:
        return code, max(prob, script)
    return code, prob * min(1.0, len(sample.split()) / ENOUGH_WORDS)


def is_english(code: str, confidence: float) -> bool:
    """Whether text ``detect_language`` called (``code``, ``confidence``) is read as English:
    said so, unknown, or another language guessed without clear evidence."""
    return not code or code == "en" or confidence < MIN_CONFIDENCE
