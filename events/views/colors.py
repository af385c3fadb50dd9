"""Stable colours for actors on maps and charts: one hue per side.

An actor's side is the top of its chain of parents: a unit or a local branch is drawn in
its force's colour, so one side reads as one colour on the map and in its legend.
"""

import hashlib

# Colour-blind-friendly qualitative palette (Okabe-Ito plus Tableau extras); an actor
# without its own colour always gets the same one, so maps stay comparable over dates.
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c564b",
           "#7f7f7f", "#bcbd22", "#17becf", "#9467bd", "#f0e442"]
UNKNOWN = "#444444"  # contested, holder not known
UNHELD = "#ffffff"   # nobody holds it (drawn with a grey ring)


def actor_side(actor):
    """The actor whose colour ``actor`` takes: itself, or the top of its parents."""
    seen = set()
    while actor is not None and actor.parent_id is not None and actor.pk not in seen:
        seen.add(actor.pk)
        if actor.color:
            return actor  # an editor gave this unit its own colour
        actor = actor.parent
    return actor


def actor_color(actor) -> str:
    if actor is None:
        return UNKNOWN
    side = actor_side(actor)
    if side.color:
        return side.color
    digest = hashlib.sha1(side.slug.encode() if side.slug else str(side.pk).encode())
    return PALETTE[int(digest.hexdigest(), 16) % len(PALETTE)]
