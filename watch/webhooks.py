"""Webhook bodies and their signed POST.

The body is JSON; ``X-ConflictKB-Signature`` is ``sha256=`` and the hex HMAC-SHA256 of the
body's bytes under the watch's secret. ``X-ConflictKB-Delivery`` is the same on every
attempt of one delivery, so a receiver that saw it answered already can ignore a repeat
(a worker killed after the POST and before recording it sends it again).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import requests
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder

from ingest.fetch import FetchError, checked_session

from .models import Delivery

SIGNATURE_HEADER = "X-ConflictKB-Signature"
DELIVERY_HEADER = "X-ConflictKB-Delivery"
TIMESTAMP_HEADER = "X-ConflictKB-Timestamp"


def payload_for(delivery: Delivery) -> dict:
    """What the change was, with its object's state when the delivery was first made."""
    from .selectors import objects_data

    change = delivery.change
    data = objects_data(change.kind, [change.object_id]).get(change.object_id)
    return json.loads(json.dumps({
        "delivery": delivery.pk,
        "watch": {"id": delivery.watch_id, "name": delivery.watch.name},
        "change": {"id": change.pk, "kind": change.kind, "object_id": change.object_id,
                   "action": change.action, "at": change.created_at},
        "data": data,
    }, cls=DjangoJSONEncoder))


def sign(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def post_signed(delivery: Delivery) -> str | None:
    """POST the delivery's payload to its watch's webhook; None on a 2xx, else the error."""
    body = json.dumps(delivery.payload, sort_keys=True).encode()
    headers = {
        "Content-Type": "application/json",
        "User-Agent": settings.FETCH_USER_AGENT,
        DELIVERY_HEADER: str(delivery.pk),
        TIMESTAMP_HEADER: str(int(time.time())),
        SIGNATURE_HEADER: sign(delivery.watch.secret, body),
    }
    timeout = settings.WATCH_WEBHOOK_TIMEOUT_SECONDS
    try:
        with checked_session() as session:
            response = session.post(delivery.watch.webhook_url, data=body, headers=headers,
                                    timeout=(timeout, timeout), allow_redirects=False)
            response.close()
    except requests.Timeout:
        return f"The webhook did not answer within {timeout} s."
    except (requests.RequestException, FetchError) as exc:
        return f"The webhook could not be reached: {exc}"[:1000]
    if 200 <= response.status_code < 300:
        return None
    return f"The webhook answered HTTP {response.status_code}."
