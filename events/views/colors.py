"""Stable colours for actors on maps and charts."""

import hashlib

# Colour-blind-friendly qualitative palette (Okabe-Ito plus Tableau extras); an actor
# without its own colour always gets the same one, so maps stay comparable over dates.
PALETTE = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#8c564b",
           "#7f7f7f", "#bcbd22", "#17becf", "#9467bd", "#f0e442"]
UNKNOWN = "#444444"


def actor_color(actor) -> str:
    if actor is None:
        return UNKNOWN
    if actor.color:
        return actor.color
    digest = hashlib.sha1(actor.slug.encode() if actor.slug else str(actor.pk).encode())
    return PALETTE[int(digest.hexdigest(), 16) % len(PALETTE)]
