"""From the bytes of a page or file to an article's clean text and metadata.

HTML goes through trafilatura (main text without menus, comments and footers, plus title,
date, outlet and canonical URL); plain text is kept as it is. Bytes are decoded with the
declared charset when it works, else with charset_normalizer's guess; binary files,
undecodable bytes and pages without article text are refused with a message saying so.
"""

from __future__ import annotations

import codecs
import datetime as dt
import re
import unicodedata
from dataclasses import dataclass

import charset_normalizer

from ingest.nlp.dates import iso_date
from ingest.nlp.language import detect_language, is_english

from .errors import IngestError

# Below this many letters a "text" is a caption or an error page, not an article.
MIN_TEXT_LETTERS = 40
_SNIFF_BYTES = 8192
_MAGIC = (
    (b"%PDF-", "a PDF document"),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"\x89PNG", "a PNG image"),
    (b"GIF8", "a GIF image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"7z\xbc\xaf", "a 7-Zip archive"),
    (b"Rar!", "a RAR archive"),
    (b"\x7fELF", "a program"),
    (b"MZ", "a Windows program"),
    (b"OggS", "an audio file"),
    (b"ID3", "an MP3 file"),
    (b"RIFF", "a media file"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"),
    (b"BZh", "a bzip2 archive"),
    (b"\xfd7zXZ", "an xz archive"),
)
_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE,
         codecs.BOM_UTF32_BE)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTML_SNIFF = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)


class CleanError(IngestError):
    """The content cannot become an article."""


class BinaryContent(CleanError):
    """The bytes are a binary file, not text."""


class UnknownEncoding(CleanError):
    """The bytes are not text in any encoding we can identify."""


class EmptyText(CleanError):
    """There is no text at all."""


class NoArticleText(CleanError):
    """An HTML page without an article in it (an index page, a login wall, a video page)."""


@dataclass(slots=True)
class CleanArticle:
    """An article ready to be stored: text and whatever metadata the document gave."""

    text: str
    title: str = ""
    published: dt.date | None = None
    author: str = ""
    sitename: str = ""
    canonical_url: str = ""
    language: str = ""
    language_confidence: float = 0.0
    content_type: str = "text/plain"

    @property
    def is_english(self) -> bool:
        return is_english(self.language, self.language_confidence)


def sniff_binary(content: bytes) -> str | None:
    """What binary format ``content`` is ("a PDF document"), or None if it may be text."""
    head = content[:_SNIFF_BYTES]
    if head.startswith(_BOMS):
        return None  # UTF-16/32 text has NUL bytes but a byte-order mark says it is text
    for magic, label in _MAGIC:
        if head.startswith(magic):
            return label
    if b"\x00" in head:
        return "a binary file"
    return None


def looks_like_html(content: bytes | str, content_type: str = "") -> bool:
    """True if the content type or the first bytes say HTML."""
    if content_type in ("text/html", "application/xhtml+xml"):
        return True
    if content_type and content_type != "application/octet-stream" and content_type.startswith(
            ("text/plain", "text/markdown")):
        return False
    head = content[:2048]
    if isinstance(head, str):
        head = head.encode("utf-8", "replace")
    return bool(_HTML_SNIFF.match(head.lstrip(b"\xef\xbb\xbf")))


def _codec(name: str) -> str | None:
    try:
        return codecs.lookup(name).name
    except (LookupError, TypeError):
        return None


def _bad_char_ratio(text: str) -> float:
    sample = text[:20000]
    if not sample:
        return 0.0
    bad = sum(1 for ch in sample
              if ch not in "\t\n\r\f" and unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn"))
    return (bad + sample.count("\ufffd")) / len(sample)


def decode_bytes(content: bytes, *, charset: str = "", html: bool = False) -> str:
    """Decode ``content``: the declared ``charset`` (or an HTML meta charset) when it decodes
    cleanly, otherwise charset_normalizer's best guess.

    Raises ``BinaryContent`` for binary files and ``UnknownEncoding`` when no encoding fits.
    """
    kind = sniff_binary(content)
    if kind:
        raise BinaryContent(f"This is {kind}, not a web page or plain text.")
    candidates = [charset]
    if html and not charset:
        match = _META_CHARSET.search(content[:4096])
        candidates.append(match.group(1).decode("ascii", "ignore") if match else "")
    for name in filter(None, candidates):
        codec = _codec(name)
        if codec is None:
            continue  # an unknown charset name: fall through to detection
        try:
            text = content.decode(codec)
        except UnicodeDecodeError:
            continue
        if _bad_char_ratio(text) < 0.01:
            return text.lstrip("\ufeff")
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(content[:1_000_000]).best()
        if best is None or best.chaos > 0.3:
            raise UnknownEncoding(
                "The text encoding could not be determined"
                + (f" (declared as {charset!r})" if charset else "")
                + "; save the file as UTF-8 and try again."
            ) from None
        text = content.decode(best.encoding, errors="replace")
    if _bad_char_ratio(text) > 0.02:
        raise BinaryContent("This looks like a binary file, not a web page or plain text.")
    return text.lstrip("\ufeff")


# PostgreSQL stores no NUL in text (nor in JSON), and UTF-8 has no lone surrogates.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(text: str) -> str:
    """``text`` without the characters PostgreSQL refuses: NUL dropped, lone surrogates
    replaced by U+FFFD. Everything stored from outside goes through it."""
    if not text:
        return text
    return _UNSTORABLE.sub(lambda m: "" if m.group() == "\x00" else "\ufffd", text)


def _normalise_whitespace(text: str) -> str:
    text = storable(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ")
    text = re.sub(r"[ \t\f\v]+\n", "\n", text)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _check_text(text: str, *, what: str) -> None:
    if sum(ch.isalpha() for ch in text) < MIN_TEXT_LETTERS:
        if what == "html":
            raise NoArticleText("The page has no article text (it may be an index page, a video "
                                "or a page that needs JavaScript or a login).")
        raise EmptyText("The text is empty or too short to be an article.")


def _with_language(article: CleanArticle) -> CleanArticle:
    article.language, article.language_confidence = detect_language(article.text)
    return article




def clean_text(text: str, *, title: str = "") -> CleanArticle:
    """A plain text as it is; its title is the given one, else a short first line."""
    text = _normalise_whitespace(text)
    _check_text(text, what="text")
    if not title:
        first, _, rest = text.partition("\n")
        # A headline: a short first line followed by a blank line, not a sentence of the body.
        if rest.startswith("\n") and len(first) <= 200 and not first.rstrip().endswith("."):
            title = first.strip()
    return _with_language(CleanArticle(text=text, title=storable(title)[:1000]))


def clean_html(html: str, *, url: str = "") -> CleanArticle:
    """The main text and metadata of an HTML page (trafilatura)."""
    from trafilatura import bare_extraction

    document = bare_extraction(html, url=url or None, with_metadata=True, include_comments=False,
                               include_tables=False, include_images=False, deduplicate=False)
    text = _normalise_whitespace((document.text or "") if document else "")
    _check_text(text, what="html")
    article = CleanArticle(
        text=text,
        title=storable(document.title or "")[:1000],
        published=iso_date(document.date),
        author=storable(document.author or "")[:300],
        sitename=storable(document.sitename or "")[:200],
        canonical_url=storable(document.url or ""),
        content_type="text/html",
    )
    return _with_language(article)


def clean_document(content: bytes, *, content_type: str = "", charset: str = "",
                   url: str = "", filename: str = "") -> CleanArticle:
    """Bytes of a fetched page or an uploaded file to a clean article (HTML or plain text)."""
    if not content.strip():
        raise EmptyText("The document is empty.")
    html = (filename.lower().endswith((".html", ".htm", ".xhtml"))
            or looks_like_html(content, content_type))
    text = decode_bytes(content, charset=charset, html=html)
    return clean_html(text, url=url) if html else clean_text(text)
