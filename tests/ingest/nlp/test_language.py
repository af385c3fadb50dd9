"""Short English texts are read as English; other languages only on clear evidence
(issue 20, point 2). The ACLED notes are read from ../shared at test time, never copied;
the other texts are written here."""

from __future__ import annotations

import json

import pytest

from ingest.clean import clean_document
from ingest.nlp.language import detect_language, is_english

from .conftest import SHARED

# Short English reports of our own, the kind a language guesser gets wrong: place and
# group names, no function words to speak of.
OWN_ENGLISH = [
    "Clashes in Hawo Tako.",
    "Armed militia took over the revenue post.",
    "Shelling on Kafr Nabl and Hass.",
    "Airstrikes hit Maarat al-Numan; two dead.",
    "YPG and SDF fighters repelled an IS attack on Tal Tamr.",
    "Al Shabaab fighters ambushed an AMISOM convoy near Afgooye.",
    "Houthi drones targeted Marib city.",
    "Wagner and FAMa troops entered Moura.",
    "Fighting reported in Bakhmut, Soledar and Klishchiivka.",
    "HTS fighters withdrew from Khan Shaykhun.",
    "M23 rebels seized Bunagana on the Ugandan border.",
    "Regime barrel bombs on Daraya: 12 killed.",
]
# Texts of our own in other languages: marked and not extracted.
OTHER_LANGUAGES = {
    "fr": ("Des frappes aériennes ont tué dix civils samedi dans la ville d'Idleb, dans le "
           "nord-ouest de la Syrie, selon l'Observatoire syrien des droits de l'homme, qui "
           "dispose d'un vaste réseau de sources sur le terrain."),
    "ar": "قتل عشرة مدنيين في غارات جوية على مدينة إدلب بحسب المرصد السوري لحقوق الإنسان",
    "ru": ("Десять мирных жителей погибли в результате авиаударов по городу Идлиб, "
           "сообщает Сирийская обсерватория по правам человека."),
}


def _acled_notes(count: int) -> list[str]:
    path = SHARED / "eval" / "acled_dev.jsonl"
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    return [row["text"] for row in rows[:count]]


def test_two_hundred_short_english_texts_are_read_as_english():
    texts = _acled_notes(200 - len(OWN_ENGLISH)) + OWN_ENGLISH
    assert len(texts) == 200
    wrong = [(text[:60], *detect_language(text)) for text in texts
             if not is_english(*detect_language(text))]
    assert wrong == []


def test_short_english_texts_are_extracted(extractor):
    texts = _acled_notes(40) + OWN_ENGLISH
    results = list(extractor.extract_many([(str(i), t, None) for i, t in enumerate(texts)]))
    assert {r.language for r in results} == {"en"}
    # Extracted, not skipped: the notes' places and events are there.
    assert sum(bool(r.places) for r in results) >= len(results) // 2
    assert sum(bool(r.events) for r in results) >= len(results) // 2


@pytest.mark.parametrize("code", sorted(OTHER_LANGUAGES))
def test_other_languages_are_marked_and_skipped(extractor, code):
    text = OTHER_LANGUAGES[code]
    detected, confidence = detect_language(text)
    assert detected == code and confidence >= 0.9 and not is_english(detected, confidence)
    result = extractor.extract(text)
    assert result.language == code and not result.places and not result.events
    article = clean_document(text.encode(), filename=f"{code}.txt")
    assert article.language == code and not article.is_english


def test_a_guess_over_a_few_words_is_not_evidence():
    code, confidence = detect_language("Clashes in Hawo Tako.")
    assert code != "en" and confidence < 0.5  # what the classifier said, weighed
    assert is_english(code, confidence)
