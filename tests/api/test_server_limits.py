"""Limits as a client meets them on the deployed web server (gunicorn): the throttle's
client address, exports charged by rows, one export at a time per client."""

from __future__ import annotations

import csv
import io
import time

import pytest
import requests
from django.core.cache import cache

from events.models import Place
from tests.gunicorn import Gunicorn

pytestmark = pytest.mark.django_db(transaction=True)

EVENTS = "/api/v1/events/"


@pytest.fixture(autouse=True)
def fresh_limits():
    """The loopback address's throttle log and export budget start empty."""
    client = cache.redis()

    def clear():
        for pattern in ("*throttle_log_*", "*export:*"):
            keys = list(client.scan_iter(match=f"ckb:*{pattern}"))
            if keys:
                client.delete(*keys)
    clear()
    yield
    clear()


def test_a_forged_forwarded_for_never_gets_a_fresh_bucket():
    with Gunicorn(ANONYMOUS_READ="true", API_THROTTLE_ANON="5/minute") as server:
        answers = [requests.get(server.url(EVENTS), timeout=10).status_code for _ in range(6)]
        assert answers == [200] * 5 + [429]
        forged = [requests.get(server.url(EVENTS), timeout=10,
                               headers={"X-Forwarded-For": f"203.0.113.{i}"}).status_code
                  for i in range(20)]
        assert forged == [429] * 20


def test_behind_one_trusted_proxy_the_proxy_s_word_counts_not_the_client_s():
    with Gunicorn(ANONYMOUS_READ="true", API_THROTTLE_ANON="2/minute",
                  TRUSTED_PROXY_COUNT="1") as server:
        def get(forwarded):
            return requests.get(server.url(EVENTS), timeout=10,
                                headers={"X-Forwarded-For": forwarded}).status_code
        # The proxy appends the address it saw; what the client wrote before it is ignored.
        assert [get(f"198.51.100.{i}, 192.0.2.7") for i in range(3)] == [200, 200, 429]
        assert get("192.0.2.8") == 200  # another client behind the proxy


def _country_with_places(low: int, high: int) -> tuple[str, int]:
    counts = {}
    for code in Place.objects.values_list("country_code", flat=True).order_by()[:200000]:
        counts[code] = counts.get(code, 0) + 1
    code, n = min(((c, n) for c, n in counts.items() if low <= n <= high), key=lambda x: x[1])
    return code, n


def test_anonymous_exports_cost_their_rows_and_large_ones_are_refused():
    code, rows = _country_with_places(20, 400)
    with Gunicorn(ANONYMOUS_READ="true", API_EXPORT_ROWS_ANON=f"{2 * rows + rows // 2}/hour",
                  API_EXPORT_MAX_ROWS_ANON="20000") as server:
        url = server.url(f"/api/v1/places/?format=csv&country={code}")
        for _ in range(2):
            response = requests.get(url, timeout=60)
            assert response.status_code == 200
            assert len(list(csv.DictReader(io.StringIO(response.text)))) == rows
        refused = requests.get(url, timeout=60)
        assert refused.status_code == 429
        assert "budget" in refused.json()["detail"] and int(refused.headers["Retry-After"]) > 0
        # The whole gazetteer as GeoJSON (63 MB) is not for anonymous clients.
        whole = requests.get(server.url("/api/v1/places/?format=geojson"), timeout=60)
        assert whole.status_code == 400
        assert "anonymous exports hold at most 20,000" in whole.json()["format"][0]


def test_one_client_runs_one_export_at_a_time():
    with Gunicorn(ANONYMOUS_READ="true", API_EXPORT_MAX_ROWS_ANON="10000000",
                  API_EXPORT_ROWS_ANON="100000000/hour") as server:
        url = server.url("/api/v1/places/?format=csv")
        with requests.get(url, stream=True, timeout=60) as first:
            assert first.status_code == 200
            next(first.iter_content(4096))  # the export is running
            second = requests.get(url, timeout=60)
            assert second.status_code == 429
            assert "Another export of yours is still running" in second.json()["detail"]
            # The other web worker still serves everyone else.
            assert requests.get(server.url("/health/"), timeout=5).status_code == 200
        # Closed: once the server notices (its next write fails), the slot is free again.
        deadline = time.monotonic() + 30
        while True:
            again = requests.get(server.url("/api/v1/places/?format=csv&country=MT"),
                                 timeout=60)
            if again.status_code != 429 or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        assert again.status_code == 200
