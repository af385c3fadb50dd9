"""Authentication that never sends a malformed credential to the database.

PostgreSQL refuses text with NUL bytes, so a forged session cookie or token holding one
would fail inside the query (a 500). Both are checked for their known shape first.
"""

import re

from django.conf import settings
from rest_framework import authentication, exceptions

_TOKEN = re.compile(r"[0-9a-f]{40}")
_SESSION_KEY = re.compile(r"[a-z0-9]{8,40}")


def valid_session_key(value: str | None) -> bool:
    return bool(value) and _SESSION_KEY.fullmatch(value) is not None


class TokenAuthentication(authentication.TokenAuthentication):
    """``Authorization: Token <40 hex digits>`` (rest_framework.authtoken)."""

    def authenticate_credentials(self, key):
        if not _TOKEN.fullmatch(key):
            raise exceptions.AuthenticationFailed("Invalid token.")
        return super().authenticate_credentials(key)


class MalformedSessionCookieMiddleware:
    """Drops a session cookie that cannot be a session key, before SessionMiddleware reads it.

    The visitor is then simply anonymous, on the pages and the API alike.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        name = settings.SESSION_COOKIE_NAME
        if name in request.COOKIES and not valid_session_key(request.COOKIES[name]):
            del request.COOKIES[name]
        return self.get_response(request)
