"""Our faster model (attribute rules matched by index, matrix products by numpy) gives
exactly the annotations of spaCy as it ships."""

from __future__ import annotations

import pytest
import spacy
from django.conf import settings

from ingest.nlp.attribute_rules import speed_up
from ingest.nlp.pipeline import load_model

from .conftest import SHARED

# The exceptions the English rules exist for, beside ordinary news text.
EXCEPTIONS = ("Y'all gonna see it. I ain't going, y all, I aint. There is a town and there "
              "were two. C'mon, let's go, we gotta move. Something happened to nobody; "
              "whether he'd come, but not because of that. It's them, an apple, those "
              "houses.\n\n   Whilst the 'd and 're were there, would you? Me, him, her, us.")


def _annotations(doc):
    return [(t.text, t.tag_, t.pos_, str(t.morph), t.lemma_, t.dep_, t.head.i, t.ent_iob_,
             t.ent_type_) for t in doc]


def test_our_model_annotates_every_token_as_spacy_does(nlp):
    texts = [EXCEPTIONS, *(p.read_text(encoding="utf-8")
                           for p in sorted((SHARED / "corpus").glob("*.txt")))]
    eval_notes = SHARED / "eval" / "acled_dev.jsonl"
    if eval_notes.exists():
        texts.append(eval_notes.read_text(encoding="utf-8")[:60_000])
    # The same pipeline with spaCy's own matching and its default matrix library (blis).
    stock = spacy.load(settings.SPACY_MODEL)
    stock.add_pipe("ckb_line_sentences", before="parser")
    assert stock.pipe_names == nlp.pipe_names
    assert nlp.get_pipe("attribute_ruler").match.__module__ == "ingest.nlp.attribute_rules"
    assert {node.ops.use_blis for node in nlp.get_pipe("ner").model.walk()} == {False}
    assert {node.ops.use_blis for node in stock.get_pipe("ner").model.walk()} == {True}

    ours, theirs = list(nlp.pipe(texts)), list(stock.pipe(texts))

    assert sum(len(d) for d in ours) > 10_000
    for mine, reference in zip(ours, theirs, strict=True):
        assert _annotations(mine) == _annotations(reference)
    # The exceptions did apply: "gonna" is "go" + "to", "ain't" is "be", "there is" a verb.
    lemmas = {t.lower_: t.lemma_ for t in ours[0]}
    assert (lemmas["gon"], lemmas["na"], lemmas["ai"]) == ("go", "to", "be")
    assert next(t for t in ours[0] if t.lower_ == "is").pos_ == "VERB"


def test_a_rule_it_cannot_index_keeps_spacys_matcher():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("attribute_ruler")
    ruler.add([[{"LOWER": "a", "OP": "+"}]], {"LEMMA": "A"})
    original = ruler.match

    assert speed_up(ruler) is False
    assert ruler.match == original
    assert [t.lemma_ for t in nlp("a a b")] == ["A", "A", ""]


def test_an_unknown_matrix_library_is_refused_by_name():
    with pytest.raises(ValueError, match="unknown matrix library 'mkl': use one of numpy, blis"):
        load_model(settings.SPACY_MODEL, matrix_library="mkl")
