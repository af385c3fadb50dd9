"""Reads: the changes feed, a user's watches, their deliveries and feeds."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Prefetch, QuerySet

from events.api.event_serializers import event_list_data
from events.api.serializers import ActorSerializer, PlaceSerializer
from events.models import Actor, ActorSupport, ControlFlip, Event, Place

from .models import Change, ChangeKind, Delivery, Watch

MAX_PAGE = 1000


def _brief(obj) -> dict | None:
    return None if obj is None else {"id": obj.pk, "name": obj.name}


def control_flip_data(flips) -> dict[int, dict]:
    """Control-log rows as plain dicts (the changes feed's and the webhooks' ``data``)."""
    out = {}
    for flip in flips:
        place = flip.place
        out[flip.pk] = {
            "id": flip.pk, "event": flip.event_id, "state": flip.state,
            "date": flip.date.isoformat(),
            "end_date": flip.end_date.isoformat() if flip.end_date else None,
            "place": {"id": place.pk, "name": place.name, "country_code": place.country_code,
                      "admin1_name": place.admin1_name, "lat": place.lat, "lon": place.lon},
            "actor": _brief(flip.actor), "lost_by": _brief(flip.lost_by),
            "confidence": flip.confidence,
        }
    return out


def objects_data(kind: str, ids: list[int]) -> dict[int, dict]:
    """The current state of objects of one kind, as the API shows them; gone ones absent."""
    if not ids:
        return {}
    if kind == ChangeKind.EVENT:
        present = list(Event.objects.filter(pk__in=ids).values_list("pk", flat=True))
        return {row["id"]: row for row in event_list_data(present)} if present else {}
    if kind == ChangeKind.CONTROL:
        return control_flip_data(ControlFlip.objects.filter(pk__in=ids)
                                 .select_related("place", "actor", "lost_by"))
    if kind == ChangeKind.PLACE:
        return {p.pk: PlaceSerializer(p).data for p in Place.objects.filter(pk__in=ids)}
    actors = Actor.objects.filter(pk__in=ids).select_related("parent").prefetch_related(
        Prefetch("backers", queryset=ActorSupport.objects.select_related("supporter")
                 .order_by("start_date", "id")),
        Prefetch("supports", queryset=ActorSupport.objects.select_related("supported")
                 .order_by("start_date", "id")))
    return {a.pk: ActorSerializer(a).data for a in actors}


def changes_since(*, since: int = 0, limit: int = 500,
                  kinds: list[str] | None = None) -> list[dict]:
    """Changes after the cursor ``since``, in commit order, each with its object's current
    state (``data``; null once deleted). Replaying them in order into a store keyed by
    (kind, id) ends equal to the knowledge base."""
    rows = Change.objects.filter(id__gt=since).order_by("id")
    if kinds:
        rows = rows.filter(kind__in=kinds)
    changes = list(rows[:min(limit, MAX_PAGE)])
    wanted: dict[str, list[int]] = defaultdict(list)
    for change in changes:
        if change.action != "deleted":
            wanted[change.kind].append(change.object_id)
    data = {kind: objects_data(kind, ids) for kind, ids in wanted.items()}
    return [{
        "id": c.id, "kind": c.kind, "object_id": c.object_id, "action": c.action,
        "merged_into": c.merged_into, "at": c.created_at,
        "data": data.get(c.kind, {}).get(c.object_id),
    } for c in changes]


def watches_of(*, user) -> QuerySet[Watch]:
    return Watch.objects.filter(owner=user).select_related("place", "actor")


def deliveries_of(*, watch: Watch, limit: int = 100) -> QuerySet[Delivery]:
    return watch.deliveries.select_related("change").order_by("-id")[:limit]
