"""Paragraph-level removal of publisher boilerplate from plain article text.

News pages end (and are interrupted) by lines that are not the story: "Read more: ...",
"Follow us on ...", newsletter and app-store prompts, "Source: ...", disclaimers. Their
named entities (YouTube tagged GPE, an unrelated headline's places) must not reach the
knowledge base. ``mask`` blanks those paragraphs with spaces of the same length, so that
every offset the NLP reports still refers to the original text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PATTERNS = [
    r"^\W*(read|see) (more|also)\b",
    r"^\W*related( articles?| stories| news)?\s*[:\-]",
    r"^\W*(also read|recommended|more from|more on this|watch)\s*:",
    r"\bfollow (us|our)\b",
    r"\bsubscribe\b",
    r"\bnewsletter\b",
    r"\b(app ?store|google ?play|play store)\b",
    r"\bshare (this|on|via)\b",
    r"^\W*(share|tweet|email|print)\W*$",
    r"^\W*sources?\s*:",
    r"^\W*editorial (team|board|staff)\W*$",
    r"\bpoint of view expressed\b",
    r"\b(views|opinions) expressed\b.*\b(do not|don'?t) necessarily\b",
    r"\bbe a reporter\b",
    r"\bsend (us )?your (article|story|stories|news)\b",
    r"\ball rights reserved\b",
    r"^\W*(copyright|©)",
    r"\bclick here\b",
    r"\bsign up\b",
    r"\b(cookies?|privacy policy|terms of (use|service))\b",
    r"^\W*(photo|image|video|credit)s?\s*:",
    r"\bresponsive design\b",
]
_BOILER = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_PARAGRAPH = re.compile(r"[^\n]+")
# Short lines without a full stop after the footer starts (a signature, "Editorial
# team") belong to it; a short sentence of the story does not.
_SHORT_TAIL_CHARS = 120
# A page flattened into one long line (the story, captions and prompts run together):
# only its boilerplate sentences are blanked, never the story around them.
_LONG_PARAGRAPH_CHARS = 600
_SENTENCE = re.compile(r"[^.!?]+(?:[.!?]+|$)")


@dataclass(frozen=True, slots=True)
class Paragraph:
    start: int
    end: int
    text: str
    boilerplate: bool


def paragraphs(text: str) -> list[Paragraph]:
    """The non-empty lines of ``text`` with their offsets, each flagged as boilerplate or not.

    Besides paragraphs that match a boilerplate pattern, the footer is recognised as the
    run at the end of the text made only of boilerplate and short lines.
    """
    paras = [Paragraph(m.start(), m.end(), m.group(),
                       len(m.group()) <= _LONG_PARAGRAPH_CHARS
                       and bool(_BOILER.search(m.group().strip())))
             for m in _PARAGRAPH.finditer(text or "") if m.group().strip()]
    tail_start = len(paras)
    for i in range(len(paras) - 1, -1, -1):
        line = paras[i].text.strip()
        if paras[i].boilerplate or (len(line) < _SHORT_TAIL_CHARS
                                    and not line.endswith((".", "!", "?", '"', "”"))):
            tail_start = i
        else:
            break
    while tail_start < len(paras) and not paras[tail_start].boilerplate:
        tail_start += 1
    if tail_start < len(paras):
        paras[tail_start:] = [Paragraph(p.start, p.end, p.text, True) for p in paras[tail_start:]]
    return paras


def boilerplate_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of the boilerplate paragraphs, and of the boilerplate sentences of
    a long one."""
    spans = []
    for p in paragraphs(text):
        if p.boilerplate:
            spans.append((p.start, p.end))
        elif len(p.text) > _LONG_PARAGRAPH_CHARS:
            spans += [(p.start + m.start(), p.start + m.end())
                      for m in _SENTENCE.finditer(p.text) if _BOILER.search(m.group().strip())]
    return spans


def mask(text: str) -> str:
    """``text`` with boilerplate paragraphs replaced by spaces (same length, same offsets)."""
    spans = boilerplate_spans(text)
    if not spans:
        return text
    chars = list(text)
    for start, end in spans:
        chars[start:end] = " " * (end - start)
    return "".join(chars)


def clean(text: str) -> str:
    """``text`` without its boilerplate paragraphs (offsets not kept)."""
    masked = mask(text)
    return "\n".join(re.sub(r"\s{2,}", " ", masked[p.start:p.end]).strip()
                     for p in paragraphs(text) if not p.boilerplate)
