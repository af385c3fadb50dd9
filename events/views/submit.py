"""Editors submit an article by URL or pasted text and watch its job's progress."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render

from events import services
from events.forms import ArticleSubmitForm, FeedForm
from events.models import Feed, IngestJob

from .access import editor_required


@editor_required
def article_submit(request):
    form = ArticleSubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data.get("url"):
            job = services.article_submit_url(url=data["url"], user=request.user)
        else:
            job = services.article_submit_text(text=data["text"], title=data.get("title", ""),
                                      published=data.get("published"),
                                      source_name=data.get("source_name", ""), user=request.user)
        messages.success(request, "Submitted: the job's progress is below.")
        return redirect("job_detail", pk=job.pk)
    return render(request, "events/article_submit.html", {
        "form": form, "recent_jobs": IngestJob.objects.filter(created_by=request.user)[:10],
    }, status=400 if request.method == "POST" else 200)


@editor_required
def job_detail(request, pk):
    """The job's status; the page reloads itself until the job is done or failed."""
    job = get_object_or_404(IngestJob.objects.select_related("article"), pk=pk)
    return render(request, "events/job_detail.html", {
        "job": job, "finished": job.status in ("done", "failed"),
    })


@editor_required
def feed_list(request):
    """The feeds with their polling state and errors; editors add one and it is polled now."""
    form = FeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        job = services.feed_submit(url=form.cleaned_data["url"], user=request.user,
                                   interval_minutes=form.cleaned_data["interval_minutes"])
        messages.success(request, "Feed saved; it is being polled now.")
        return redirect("job_detail", pk=job.pk)
    return render(request, "events/feed_list.html", {
        "form": form, "feeds": Feed.objects.select_related("source").order_by("url")[:500],
    }, status=400 if request.method == "POST" else 200)
