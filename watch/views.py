"""Pages of the watches: list and create, a watch with its delivery log, pause, delete,
and the private Atom feed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.views.decorators.http import require_POST

from . import selectors, services
from .forms import WatchForm
from .models import Watch


@login_required
def watch_list(request):
    """The user's watches, and the form to add one."""
    form = WatchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            watch = services.watch_create(owner=request.user, values=form.service_values())
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"Watching: {watch.name}.")
            return redirect("watch_detail", pk=watch.pk)
    return render(request, "watch/watch_list.html",
                  {"form": form, "watches": selectors.watches_of(user=request.user)},
                  status=400 if form.errors else 200)


@login_required
def watch_detail(request, pk: int):
    watch = get_object_or_404(selectors.watches_of(user=request.user), pk=pk)
    feed_url = request.build_absolute_uri(reverse("watch_feed", args=[watch.pk, watch.feed_token]))
    return render(request, "watch/watch_detail.html", {
        "watch": watch, "deliveries": selectors.deliveries_of(watch=watch),
        "feed_url": feed_url})


@login_required
@require_POST
def watch_toggle(request, pk: int):
    watch = get_object_or_404(selectors.watches_of(user=request.user), pk=pk)
    services.watch_update(watch=watch, changes={"active": not watch.active})
    messages.success(request, f"{watch.name} is {'active' if watch.active else 'paused'}.")
    return redirect("watch_detail", pk=watch.pk)


@login_required
@require_POST
def watch_remove(request, pk: int):
    watch = get_object_or_404(selectors.watches_of(user=request.user), pk=pk)
    services.watch_delete(watch=watch)
    messages.success(request, f"Deleted the watch {watch.name}.")
    return redirect("watch_list")


def watch_feed(request, pk: int, token: str):
    """The watch's changes as Atom; the token in the URL is the only key (feed readers
    send no cookies)."""
    watch = Watch.objects.filter(pk=pk, feed_token=token).first()
    if watch is None:
        raise Http404("No such feed.")
    feed = Atom1Feed(title=f"ConflictKB: {watch.name}",
                     link=request.build_absolute_uri(reverse("watch_detail", args=[watch.pk])),
                     description=f"Changes matching the watch {watch.name}.")
    for delivery in selectors.deliveries_of(watch=watch, limit=50):
        payload = delivery.payload or services.payload_for(delivery)
        title = services.describe(payload)
        feed.add_item(title=title, link=request.build_absolute_uri(
            reverse("watch_detail", args=[watch.pk])) + f"#change-{delivery.change_id}",
            description=title, unique_id=f"conflictkb:watch:{watch.pk}:change:{delivery.change_id}",
            updateddate=delivery.change.created_at, pubdate=delivery.change.created_at)
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response
