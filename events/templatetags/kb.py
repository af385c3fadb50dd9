"""Template filters for events told in words (``events.summaries``)."""

from django import template

from events.choices import ActorRole
from events.summaries import actors_with_roles, headline_of, is_machine_summary

register = template.Library()
ROLE_LABELS = dict(ActorRole.choices)


@register.filter
def headline(event) -> str:
    """"Syrian government forces took control of Saraqib from HTS."."""
    return headline_of(event)


@register.filter
def actor_roles(event) -> list[tuple]:
    """Each actor of the event once, with its roles in words: [(actor, "gains control, …")]."""
    links = [(ea.actor, ea.role) for ea in event.event_actors.all()]
    return [(actor, ", ".join(ROLE_LABELS.get(r, r).lower() for r in roles))
            for actor, roles in actors_with_roles(links)]


@register.filter
def human_summary(text: str) -> str:
    """A summary a person or a source wrote; nothing for the pipeline's placeholders."""
    return "" if is_machine_summary(text) else text
