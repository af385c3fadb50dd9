"""Cutting an article's text into plain and highlighted segments for the templates.

Segments are plain strings; the templates escape them, so an article's markup can never
become the page's markup.
"""

from dataclasses import dataclass, field

from django.urls import reverse


@dataclass
class Segment:
    text: str
    kind: str = ""
    url: str = ""
    title: str = ""
    children: list["Segment"] = field(default_factory=list)


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


def _event_spans(text: str, mentions, evidence) -> list[tuple[int, int, str, str]]:
    """Each event sentence once (event mentions and evidence rows), not overlapping.

    An evidence row without offsets is found by its sentence in the text.
    """
    spans = {}
    for m in mentions:
        if m.kind == "event" and m.event_id:
            spans.setdefault((m.start, m.end), m.event_id)
    for ev in evidence:
        start, end = ev.start, ev.end
        if (start is None or end is None or text[start:end] != ev.sentence) and ev.sentence:
            found = text.find(ev.sentence)
            if found >= 0:
                start, end = found, found + len(ev.sentence)
        if start is not None and end is not None and 0 <= start < end <= len(text):
            spans.setdefault((start, end), ev.event_id)
    kept, cursor = [], 0
    for (start, end), event_id in sorted(spans.items(), key=lambda s: (s[0][0], -s[0][1])):
        if start >= cursor:
            kept.append((start, end, reverse("event_detail", args=[event_id]),
                         f"event {event_id}"))
            cursor = end
    return kept


def article_segments(text: str, mentions, evidence=()) -> list[Segment]:
    """Event sentences marked and linked to their event, with the place, actor and accord
    mentions inside and outside them as links.

    An event sentence is a segment whose ``children`` are its text cut by the mentions it
    holds; a mention crossing a sentence's edge is left plain.
    """
    entities = [(m.start, m.end, m.kind, *_mention_link(m)) for m in mentions
                if m.kind != "event" and m.start is not None and m.end is not None]
    events = _event_spans(text, mentions, evidence)
    outside = [e for e in entities
               if not any(s < e[1] and e[0] < end for s, end, _, _ in events)]
    segments, start = [], 0  # the segments cover the text in order, so offsets add up
    for segment in _cut(text, [*outside, *[(s, e, "event", u, t) for s, e, u, t in events]]):
        if segment.kind == "event":
            inner = [(a - start, b - start, *rest) for a, b, *rest in entities
                     if start <= a and b <= start + len(segment.text)]
            segment.children = _cut(segment.text, inner)
        segments.append(segment)
        start += len(segment.text)
    return segments


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
