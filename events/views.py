"""Server-rendered pages."""

from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render

from events import selectors


def home(request):
    """The dashboard: what the knowledge base holds and the latest control changes."""
    return render(request, "events/home.html", {
        "counts": selectors.kb_counts(),
        "latest_changes": selectors.latest_control_changes(limit=10),
    })


def health(request):
    """A liveness probe for the deployment: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
