"""Cutting an article's text into plain and highlighted segments for the templates.

Segments are plain strings; the templates escape them, so an article's markup can never
become the page's markup.
"""

from dataclasses import dataclass

from django.urls import reverse


@dataclass
class Segment:
    text: str
    kind: str = ""
    url: str = ""
    title: str = ""


def _mention_link(mention) -> tuple[str, str]:
    if mention.place_id:
        return reverse("place_detail", args=[mention.place_id]), str(mention.place)
    if mention.actor_id:
        return reverse("actor_detail", args=[mention.actor.slug]), mention.actor.name
    if mention.accord_id:
        return reverse("accord_detail", args=[mention.accord.slug]), mention.accord.name
    if mention.event_id:
        return reverse("event_detail", args=[mention.event_id]), str(mention.event)
    return "", ""


def _cut(text: str, spans) -> list[Segment]:
    segments, cursor = [], 0
    for start, end, kind, url, title in sorted(spans, key=lambda s: (s[0], -s[1])):
        if start < cursor or end > len(text) or start >= end:
            continue  # overlapping or out-of-range spans are left plain
        if start > cursor:
            segments.append(Segment(text[cursor:start]))
        segments.append(Segment(text[start:end], kind, url, title))
        cursor = end
    if cursor < len(text):
        segments.append(Segment(text[cursor:]))
    return segments


def article_segments(text: str, mentions, evidence=()) -> list[Segment]:
    """Entity mentions as links; event sentences (mentions, else evidence rows) marked.

    Event sentences enclose entity mentions; entities are more useful as links, so an
    event span is only drawn where no entity starts inside it.
    """
    entities = [m for m in mentions if m.kind != "event"]
    events = [(m.start, m.end, *_mention_link(m)) for m in mentions if m.kind == "event"]
    if not events:
        events = [(ev.start, ev.end, reverse("event_detail", args=[ev.event_id]),
                   f"event {ev.event_id}")
                  for ev in evidence if ev.start is not None and ev.end is not None]
    spans = [(m.start, m.end, m.kind, *_mention_link(m)) for m in entities]
    for start, end, url, title in events:
        if not any(start <= e.start < end for e in entities):
            spans.append((start, end, "event", url, title))
    return _cut(text, spans)


def evidence_segments(evidence, context: int = 400) -> list[Segment]:
    """The evidence sentence highlighted inside the surrounding article text."""
    article = evidence.article
    if article is None or evidence.start is None or evidence.end is None or not article.text:
        return [Segment(evidence.sentence, "evidence")]
    text = article.text
    lo, hi = max(0, evidence.start - context), min(len(text), evidence.end + context)
    segments = _cut(text[lo:hi], [(evidence.start - lo, evidence.end - lo, "evidence", "", "")])
    if lo > 0:
        segments.insert(0, Segment("… "))
    if hi < len(text):
        segments.append(Segment(" …"))
    return segments
