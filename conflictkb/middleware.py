"""Query parameters PostgreSQL cannot take answer 400, in one place, before any view.

PostgreSQL refuses NUL in text, and UTF-8 has no encoding for lone surrogates: either in
a filter, a search or a look-up failed inside the query (a 500). The API answers JSON
naming the parameter, as its other validation errors do; the pages a short text.
"""

from __future__ import annotations

import re

from django.http import HttpResponseBadRequest, JsonResponse

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def unstorable_parameter(query) -> str | None:
    """The name of the first parameter (or name) of ``query`` PostgreSQL cannot store."""
    for name, values in query.lists():
        if _UNSTORABLE.search(name):
            return _UNSTORABLE.sub("\ufffd", name)
        if any(_UNSTORABLE.search(value) for value in values):
            return name
    return None


class UnstorableQueryMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = unstorable_parameter(request.GET)
        if name is not None:
            message = "Contains a character that cannot be stored (NUL or a lone surrogate)."
            if request.path.startswith("/api/"):
                return JsonResponse({name: [message]}, status=400)
            return HttpResponseBadRequest(f"{name}: {message}\n",
                                          content_type="text/plain; charset=utf-8")
        return self.get_response(request)
