"""Editors' pages for the registry: add and edit actors (with backers) and accords, and
accept the actors the pipeline proposed.

The views translate forms to ``events.services`` calls and the services' field errors
back onto the forms; the rules themselves live in the services.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from events import services
from events.forms import AccordForm, ActorForm
from events.models import Accord, Actor

from .access import editor_required

CANDIDATES_SHOWN = 200


def _add_errors(form, error: ValidationError) -> None:
    """Put a service's errors beside the fields they name, the others above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, field_messages in error.message_dict.items():
        target = field if field in form.fields else None
        for message in field_messages:
            form.add_error(target, message)


def _status(request, form) -> int:
    return 400 if request.method == "POST" and form.errors else 200


def _save_actor(request, form, actor=None):
    """Save the actor and its backers together: a rejected backer undoes the whole edit."""
    reason = form.cleaned_data["reason"]
    with transaction.atomic():
        if actor is None:
            actor = services.actor_create(values=form.values(), user=request.user,
                                          reason=reason)
        else:
            actor = services.actor_update(actor=actor, changes=form.values(),
                                          user=request.user, reason=reason)
        services.actor_support_set(actor=actor, backers=form.backers(), user=request.user,
                                   reason=reason)
    return actor


def _form_page(request, form, *, save, template: str, context: dict, done: str):
    """Show ``form``; on a valid POST call ``save()`` and go to the saved object's page.

    ``done`` is the success message, with ``{name}`` for the object's name; errors the
    service raises are put back on the form, which answers 400.
    """
    if request.method == "POST" and form.is_valid():
        try:
            obj = save()
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, done.format(name=obj.name))
            return redirect(f"{obj._meta.model_name}_detail", slug=obj.slug)
    return render(request, template, {"form": form, **context}, status=_status(request, form))


@editor_required
def actor_create(request):
    """A new actor, with its aliases, ACLED names and backers."""
    form = ActorForm(request.POST or None)
    return _form_page(request, form, save=lambda: _save_actor(request, form),
                      template="events/actor_form.html", context={"actor": None},
                      done="Actor “{name}” added.")


@editor_required
def actor_edit(request, slug):
    """Edit an actor's names, kind, parent, colour and backers."""
    actor = get_object_or_404(Actor, slug=slug)
    form = ActorForm(request.POST or None, actor=actor)
    return _form_page(request, form, save=lambda: _save_actor(request, form, actor),
                      template="events/actor_form.html", context={"actor": actor},
                      done="Actor “{name}” saved.")


@editor_required
def actor_candidates(request):
    """The actors the pipeline proposed, newest first, each with an Accept button."""
    candidates = (Actor.objects.filter(is_candidate=True)
                  .annotate(mention_count=Count("mentions", distinct=True))
                  .order_by("-created_at", "name"))
    return render(request, "events/actor_candidates.html", {
        "candidates": candidates[:CANDIDATES_SHOWN],
        "total": Actor.objects.filter(is_candidate=True).count(),
    })


@editor_required
@require_POST
def actor_accept(request, slug):
    """Accept a candidate actor into the registry."""
    actor = get_object_or_404(Actor, slug=slug)
    if actor.is_candidate:
        services.actor_update(actor=actor, changes={"is_candidate": False}, user=request.user,
                              reason=request.POST.get("reason", "")[:500]
                              or "accepted candidate")
        messages.success(request, f"Actor “{actor.name}” accepted.")
    else:
        messages.info(request, f"Actor “{actor.name}” was already accepted.")
    if request.POST.get("next") == "detail":
        return redirect("actor_detail", slug=actor.slug)
    return redirect("actor_candidates")


@editor_required
def accord_create(request):
    """A new accord, with its parties, guarantors and covered places."""
    form = AccordForm(request.POST or None)

    def save():
        return services.accord_create(values=form.values(), **form.relations(),
                                      user=request.user, reason=form.cleaned_data["reason"])

    return _form_page(request, form, save=save, template="events/accord_form.html",
                      context={"accord": None}, done="Accord “{name}” added.")


@editor_required
def accord_edit(request, slug):
    """Edit an accord's names, dates, parties, guarantors and covered places."""
    accord = get_object_or_404(Accord, slug=slug)
    form = AccordForm(request.POST or None, accord=accord)

    def save():
        return services.accord_update(accord=accord,
                                      changes={**form.values(), **form.relations()},
                                      user=request.user, reason=form.cleaned_data["reason"])

    return _form_page(request, form, save=save, template="events/accord_form.html",
                      context={"accord": accord}, done="Accord “{name}” saved.")
