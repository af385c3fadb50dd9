"""The client's address, the one rule every per-address limit reads (the API's throttles,
the exports' limits, django-axes' failed log-ins).

``TRUSTED_PROXY_COUNT`` proxies in front of the server each append the address they
received from to ``X-Forwarded-For``; the client is the one the outermost trusted proxy
saw, counted from the right. With 0 (the default) the header is ignored and the client is
the socket's address: a header the client writes itself never picks its bucket.
"""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str:
    """The address of the client of ``request`` (a Django or DRF request)."""
    meta = request.META
    remote = meta.get("REMOTE_ADDR", "") or ""
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",")
                 if part.strip()]
    if not forwarded:
        return remote
    # The last proxy's own peer is REMOTE_ADDR; the header holds what the others saw.
    return forwarded[-min(proxies, len(forwarded))]
