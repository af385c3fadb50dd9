"""The detected language and its confidence are stored with an article and shown on its
page; a short English report is queued for extraction, a French one skipped (issue 20)."""

from __future__ import annotations

from django.urls import reverse

from events.choices import ArticleOrigin, ArticleStatus
from events.services.articles import article_create_from_clean
from ingest.clean import clean_document

SHORT_ENGLISH = "Clashes in Hawo Tako (Belet Weyne). Two soldiers killed."
FRENCH = ("Des frappes aériennes ont tué dix civils samedi dans la ville d'Idleb, dans le "
          "nord-ouest de la Syrie, selon l'Observatoire syrien des droits de l'homme, qui "
          "dispose d'un vaste réseau de sources sur le terrain.")


def _store(text: str, name: str):
    clean = clean_document(text.encode(), filename=name)
    return article_create_from_clean(clean=clean, origin=ArticleOrigin.FILE)


def test_a_short_english_report_is_queued_not_skipped(db):
    article = _store(SHORT_ENGLISH, "short.txt")
    assert article.status != ArticleStatus.SKIPPED
    assert article.language_confidence is not None


def test_a_french_article_is_skipped_with_its_confidence(db):
    article = _store(FRENCH, "fr.txt")
    assert article.status == ArticleStatus.SKIPPED
    assert article.language == "fr" and article.language_confidence >= 0.9
    assert "confidence" in article.status_message


def test_the_article_page_shows_language_and_confidence(client, analyst):
    article = _store(FRENCH, "fr2.txt")
    client.force_login(analyst)
    page = client.get(reverse("article_detail", args=[article.pk])).content.decode()
    assert f"language fr (confidence {article.language_confidence:.2f})" in page
