"""Language identification of article text (py3langid), so that non-English articles are
stored and marked rather than run through an English model."""

from __future__ import annotations

from functools import cache

# A few hundred characters identify a language; whole articles only cost time.
_SAMPLE_CHARS = 2000
# Below this confidence (short texts, names, typos) the guess is not trusted and the text
# is read as English, the language the product extracts.
MIN_CONFIDENCE = 0.5


@cache
def _identifier():
    from py3langid.langid import _load_identifier

    return _load_identifier(norm_probs=True)


def detect_language(text: str) -> tuple[str, float]:
    """The ISO 639-1 code of ``text`` and a confidence in [0, 1]; ("", 0.0) if empty."""
    sample = (text or "").strip()[:_SAMPLE_CHARS]
    if not any(ch.isalpha() for ch in sample):
        return "", 0.0
    code, prob = _identifier().classify(sample)
    return code, float(prob)


def is_english(code: str, confidence: float) -> bool:
    """Whether text ``detect_language`` called (``code``, ``confidence``) is read as English:
    said so, unknown, or another language guessed without confidence."""
    return not code or code == "en" or confidence < MIN_CONFIDENCE
