"""Saving an article's figures: totals over a period, which are not events.

``ingest.nlp`` gives them in ``DocumentResult.figures``. An extractor older than the
typology gave such counts as events of kind ``casualties`` or ``displacement``; those
become figures here too, so no new event of either kind is made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace

from events.choices import FigureKind
from events.models import Article, Figure
from ingest.nlp.dates import iso_date
from ingest.nlp.types import Evidence as EvidenceSpan
from ingest.nlp.types import ExtractedEvent
from ingest.nlp.types import Figure as ExtractedFigure

# An event of a kind older than the typology, as the figure it stands for: kind, count.
_LEGACY = {"casualties": (FigureKind.KILLED, "fatalities"),
           "displacement": (FigureKind.DISPLACED, "displaced")}


def figure_from_legacy_event(ev: ExtractedEvent) -> ExtractedFigure | None:
    """The figure an extracted ``casualties``/``displacement`` event told, if it has a count."""
    kind, attribute = _LEGACY[ev.type]
    count = getattr(ev, attribute)
    if not isinstance(count, int) or count <= 0:
        return None
    return ExtractedFigure(kind=kind, count=count, evidence=ev.evidence, period_start=None,
                           period_end=ev.end_date or ev.date, place=ev.place,
                           actors=list(ev.actors))


def is_legacy_event(ev: ExtractedEvent) -> bool:
    return ev.type in _LEGACY


def legacy_events_fold(events: Sequence[ExtractedEvent]
                       ) -> tuple[list[ExtractedEvent], list[ExtractedFigure]]:
    """An older extractor's result without events of kind casualties or displacement.

    A count told in the sentence of an incident ("shelling hit the market, killing four")
    is that incident's; a count told alone ("95,000 have fled since December") is a
    figure. Returns the incidents (copies where a count was added) and those figures.
    """
    kept = [replace(ev) for ev in events if not is_legacy_event(ev)]
    figures = []
    for ev in events:
        if not is_legacy_event(ev):
            continue
        attribute = _LEGACY[ev.type][1]
        incident = next((k for k in kept if k.evidence.start == ev.evidence.start
                         and getattr(k, attribute) is None), None)
        if incident is not None:
            setattr(incident, attribute, getattr(ev, attribute))
        elif (figure := figure_from_legacy_event(ev)) is not None:
            figures.append(figure)
    return kept, figures


def article_figures_save(*, article: Article, figures: Sequence[ExtractedFigure], resolver,
                         pipeline_version: str, published: dt.date,
                         replace: bool = True) -> list[Figure]:
    """Replace the figures of ``article`` with ``figures`` (resolved through ``resolver``,
    the extraction save's); a figure without an end date is told for ``published``."""
    if replace:
        Figure.objects.filter(article=article).delete()
    rows, actors = [], []
    for f in figures:
        if f.kind not in FigureKind.values or not isinstance(f.count, int) or f.count < 0:
            continue
        start, end = iso_date(f.period_start), iso_date(f.period_end) or published
        if start is not None and start > end:
            start = None
        span: EvidenceSpan = f.evidence
        rows.append(Figure(kind=f.kind, count=f.count, period_start=start, period_end=end,
                           place=resolver.place(f.place), article=article,
                           sentence=span.text, start=span.start, end=span.end,
                           extractor_version=pipeline_version))
        actors.append({resolver.actor(name=a.name, acled=a.acled).pk
                       for a in f.actors if a.name})
    Figure.objects.bulk_create(rows)
    through = Figure.actors.through
    through.objects.bulk_create(through(figure_id=figure.pk, actor_id=actor_id)
                                for figure, ids in zip(rows, actors, strict=True)
                                for actor_id in sorted(ids))
    return rows
