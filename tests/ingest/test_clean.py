"""Cleaning: HTML to article text and metadata, plain text, encodings, binary and empty input."""

import pytest

from ingest import dedup
from ingest.clean import (
    BinaryContent,
    EmptyText,
    NoArticleText,
    UnknownEncoding,
    clean_document,
    decode_bytes,
)

from .pages import ARTICLE_PARAGRAPHS, ARTICLE_TEXT, EMPTY_HTML, FRENCH_TEXT, article_html


def test_html_article_gives_title_date_outlet_and_main_text_only():
    html = article_html(canonical="https://monitor.example.org/news/kafr-nabl")
    article = clean_document(html.encode(), content_type="text/html", url="http://x.test/a?id=1")
    assert article.title == "Government forces capture Kafr Nabl"
    assert str(article.published) == "2020-02-25"
    assert article.sitename == "Idlib Monitor"
    assert article.canonical_url == "https://monitor.example.org/news/kafr-nabl"
    assert ARTICLE_PARAGRAPHS[0] in article.text and ARTICLE_PARAGRAPHS[-1] in article.text
    assert "Subscribe to our newsletter" not in article.text  # the footer is not the article
    assert article.language == "en" and article.is_english


def test_html_without_article_text_is_refused_with_a_reason():
    with pytest.raises(NoArticleText, match="no article text"):
        clean_document(EMPTY_HTML.encode(), content_type="text/html")


def test_plain_text_is_kept_as_it_is_with_the_headline_as_title():
    body = "Town captured after three days\n\n" + ARTICLE_TEXT
    article = clean_document(body.encode(), filename="story.txt")
    assert article.title == "Town captured after three days"
    assert article.text == body
    assert article.content_type == "text/plain"


@pytest.mark.parametrize("content, what", [
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj" * 50, "PDF"),
    (b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20, "PNG"),
    (b"some text\x00\x01\x02\x03" * 200, "binary"),
])
def test_binary_files_are_refused(content, what):
    with pytest.raises(BinaryContent, match=what):
        clean_document(content, filename="upload.txt")


def test_unknown_declared_charset_falls_back_to_detection():
    text = "Забота о мирных жителях: тысячи людей покинули город из-за обстрелов. " * 10
    decoded = decode_bytes(text.encode("cp1251"), charset="x-no-such-charset")
    assert decoded == text
    # a declared charset that is wrong for the bytes does not give mojibake either
    assert decode_bytes("Café “quoted” — text".encode() * 5, charset="ascii").startswith("Café")


def test_bytes_in_no_identifiable_encoding_are_refused():
    noise = bytes((i * 97 + 13) % 128 + 128 for i in range(4000))
    with pytest.raises(UnknownEncoding, match="encoding could not be determined"):
        clean_document(noise, filename="mystery.txt")


@pytest.mark.parametrize("content", [b"", b"   \n\n\t ", b"Hello."])
def test_empty_or_trivial_text_is_refused(content):
    with pytest.raises(EmptyText):
        clean_document(content, filename="empty.txt")


def test_utf16_text_with_bom_is_text_not_binary():
    article = clean_document(("\ufeff" + ARTICLE_TEXT).encode("utf-16"), filename="u16.txt")
    assert article.text.startswith("Government forces captured")


def test_language_is_detected():
    article = clean_document(FRENCH_TEXT.encode(), filename="fr.txt")
    assert article.language == "fr" and not article.is_english


def test_content_hash_ignores_case_spacing_and_punctuation():
    assert dedup.content_hash(ARTICLE_TEXT) == dedup.content_hash(
        "  " + ARTICLE_TEXT.upper().replace(",", " ").replace("\n\n", "\n") + " ")
    assert dedup.content_hash(ARTICLE_TEXT) != dedup.content_hash(FRENCH_TEXT)


def test_simhash_finds_syndicated_copies_and_separates_other_stories():
    copy = ("Reuters - " + ARTICLE_TEXT + "\n\nReporting by a correspondent; editing by a desk.")
    other = ARTICLE_TEXT.replace("Kafr Nabl", "Saraqib").replace("twelve", "forty") + (
        " Aid agencies appealed for a ceasefire so that food convoys could reach the camps."
        " The United Nations said shelters were full and that many families slept outdoors.")
    original = dedup.simhash(ARTICLE_TEXT)
    assert dedup.is_near_duplicate(original, dedup.simhash(copy))
    assert not dedup.is_near_duplicate(original, dedup.simhash(other))
    assert not dedup.is_near_duplicate(original, dedup.simhash(FRENCH_TEXT))
    # stored as a signed bigint and back, and bands shared by near-duplicates
    assert dedup.to_unsigned(dedup.to_signed(original)) == original
    assert -(2**63) <= dedup.to_signed(original) < 2**63
    assert set(dedup.bands(original)) & set(dedup.bands(dedup.simhash(copy)))
    assert all(0 <= band < 2**31 for band in dedup.bands(original))


def test_canonical_url_drops_tracking_and_fragments():
    assert dedup.canonical_url("HTTPS://Example.ORG:443/news/a?utm_source=x&id=3#top") == \
        "https://example.org/news/a?id=3"
