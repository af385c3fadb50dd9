"""Editors' pages: the review queue, verify/correct/reject/merge/split, history and revert.

Every write goes through ``events.services``; the views only translate forms and errors.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from events import selectors, services
from events.changes import revision_changes
from events.choices import EventType, ReviewStatus, RevisionVia
from events.forms import EventCorrectForm, MergeForm, RejectForm, SplitForm
from events.models import Event, Revision

from .access import editor_required
from .highlight import evidence_segments

QUEUE_SIZE = 100


def review_queryset():
    """Extracted events, control changes first (they move the map), then least confident."""
    return (Event.objects.filter(review_status=ReviewStatus.EXTRACTED)
            .annotate(impact=Case(When(type=EventType.CONTROL_CHANGE, then=Value(0)),
                                  When(type__in=[EventType.SIEGE, EventType.BATTLE], then=Value(1)),
                                  default=Value(2), output_field=IntegerField()))
            .order_by("impact", "confidence", "-date", "id"))


def _neighbours(event):
    ids = list(review_queryset().values_list("pk", flat=True)[:QUEUE_SIZE])
    if event.pk not in ids:
        return (ids[0] if ids else None), None
    i = ids.index(event.pk)
    return (ids[i + 1] if i + 1 < len(ids) else None), (ids[i - 1] if i > 0 else None)


@editor_required
def review_queue(request):
    events = (review_queryset().select_related("place")
              .prefetch_related("event_actors__actor", "event_accords__accord"))
    return render(request, "events/review_queue.html", {
        "events": events[:QUEUE_SIZE], "total": review_queryset().count(),
    })


def _error_messages(error: ValidationError) -> list[str]:
    if hasattr(error, "message_dict"):
        return [f"{k}: {m}" for k, ms in error.message_dict.items() for m in ms]
    return list(error.messages)


@editor_required
def event_review(request, pk):
    """The evidence beside the correction form, with verify, reject, merge and split."""
    event = get_object_or_404(Event.objects.with_related(), pk=pk)
    form = EventCorrectForm(event=event)
    reject_form, merge_form = RejectForm(prefix="reject"), MergeForm()
    split_form = SplitForm(event=event)
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "verify":
                services.event_verify(event=event, user=request.user, via=RevisionVia.EDITOR)
                messages.success(request, f"Event {event.pk} verified.")
                return _after(event)
            if action == "correct":
                form = EventCorrectForm(request.POST, event=event)
                if form.is_valid():
                    changes = form.changes()
                    if not changes:
                        messages.info(request, "Nothing changed.")
                    else:
                        services.event_correct(event=event, changes=changes, user=request.user,
                                               reason=form.cleaned_data.get("reason", ""))
                        messages.success(request, f"Event {event.pk} corrected "
                                                  f"({', '.join(sorted(changes))}).")
                    return redirect("event_review", pk=event.pk)
            elif action == "reject":
                reject_form = RejectForm(request.POST, prefix="reject")
                if reject_form.is_valid():
                    services.event_reject(event=event, reason=reject_form.cleaned_data["reason"],
                                          user=request.user)
                    messages.success(request, f"Event {event.pk} rejected.")
                    return _after(event)
            elif action == "merge":
                merge_form = MergeForm(request.POST)
                if merge_form.is_valid():
                    services.event_merge(target=event,
                                         duplicates=merge_form.cleaned_data["duplicates"],
                                         user=request.user)
                    messages.success(request, f"Merged into event {event.pk}.")
                    return redirect("event_review", pk=event.pk)
            elif action == "split":
                split_form = SplitForm(request.POST, event=event)
                if split_form.is_valid():
                    ids = [int(i) for i in split_form.cleaned_data["evidence"]]
                    new = services.event_split(event=event, evidence_ids=ids, user=request.user)
                    messages.success(request, f"Split: the new event is {new.pk}.")
                    return redirect("event_review", pk=new.pk)
            else:
                messages.error(request, "Unknown action.")
        except ValidationError as error:
            for text in _error_messages(error):
                messages.error(request, text)
        event = get_object_or_404(Event.objects.with_related(), pk=pk)
    next_id, previous_id = _neighbours(event)
    return render(request, "events/event_review.html", {
        "event": event, "form": form, "reject_form": reject_form, "merge_form": merge_form,
        "split_form": split_form, "next_id": next_id, "previous_id": previous_id,
        "evidence": [(ev, evidence_segments(ev)) for ev in event.evidence.all()],
        "revisions": revision_changes(list(services.revisions_for(event)[:20])),
        "duplicates": selectors.event_duplicate_candidates(event=event)
        if event.review_status in (ReviewStatus.EXTRACTED, ReviewStatus.VERIFIED) else [],
    }, status=400 if request.method == "POST" else 200)


def _after(event):
    following = review_queryset().exclude(pk=event.pk).values_list("pk", flat=True).first()
    if following:
        return redirect("event_review", pk=following)
    return redirect("review_queue")


BULK_ACTIONS = ("verify", "reject")


@editor_required
@require_POST
def review_bulk(request):
    """Verify or reject the events ticked in the queue, each through the services."""
    action = request.POST.get("action")
    ids = [int(i) for i in request.POST.getlist("event") if i.isdigit()]
    reason = request.POST.get("reason", "").strip()
    if action not in BULK_ACTIONS:
        messages.error(request, "Unknown action.")
    elif not ids:
        messages.error(request, "Tick the events to verify or reject first.")
    elif action == "reject" and not reason:
        messages.error(request, "Give a reason to reject the ticked events.")
    else:
        done = 0
        with transaction.atomic():
            for event in Event.objects.filter(pk__in=ids, review_status=ReviewStatus.EXTRACTED):
                if action == "verify":
                    services.event_verify(event=event, user=request.user,
                                          via=RevisionVia.EDITOR)
                else:
                    services.event_reject(event=event, reason=reason, user=request.user)
                done += 1
        verb = "verified" if action == "verify" else "rejected"
        messages.success(request, f"{done} event{'s' if done != 1 else ''} {verb}.")
    return redirect("review_queue")


@editor_required
@require_POST
def event_revert(request, pk, revision_id):
    event = get_object_or_404(Event, pk=pk)
    revision = get_object_or_404(Revision, pk=revision_id)
    try:
        services.event_revert(event=event, revision=revision, user=request.user,
                              reason=request.POST.get("reason", ""))
        messages.success(request, f"Event {event.pk} reverted to the version of "
                                  f"{revision.created_at:%Y-%m-%d %H:%M}.")
    except ValidationError as error:
        for text in _error_messages(error):
            messages.error(request, text)
    return redirect(reverse("event_detail", args=[event.pk]) + "#history")
