"""The OpenAPI schema, the offline docs, and schemathesis against a live server.

The live server runs in a thread that shares the test's database connection (as Django's
LiveServerTestCase does for in-memory SQLite): it sees the test's data, and everything the
generated requests write is rolled back with the test, so the gazetteer loaded once for the
session is never flushed.
"""

import threading

import pytest
import requests
import schemathesis
import yaml
from django.contrib.staticfiles.handlers import StaticFilesHandler
from django.db import connections
from django.test.testcases import LiveServerThread
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from rest_framework.authtoken.models import Token
from schemathesis import DataGenerationMethod
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
)

MAX_EXAMPLES = 6  # per operation and generation method: keeps the run under a minute


def test_schema_is_openapi_3_with_every_endpoint(api, db):
    response = api.get("/api/schema/")
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in ["/api/v1/events/", "/api/v1/events/{id}/", "/api/v1/events/{id}/merge/",
                 "/api/v1/events/{id}/history/", "/api/v1/events/export/", "/api/v1/control/",
                 "/api/v1/places/{id}/control/", "/api/v1/places/geojson/", "/api/v1/actors/",
                 "/api/v1/accords/", "/api/v1/articles/", "/api/v1/jobs/{id}/"]:
        assert path in paths
    params = {p["name"] for p in schema["paths"]["/api/v1/events/"]["get"]["parameters"]}
    assert {"bbox", "near", "radius_km", "actor", "actor_role", "q", "cursor",
            "ordering", "min_confidence"} <= params


def test_docs_are_served_without_a_cdn(api, db):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui" in html
    assert "cdn." not in html and "unpkg" not in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html


@pytest.fixture
def live_url(world, monkeypatch):
    # One connection for both threads, never closed mid-test: the test's transaction holds.
    conn = connections["default"]
    monkeypatch.setattr(conn, "close", lambda: None)
    monkeypatch.setattr(conn, "close_if_unusable_or_obsolete", lambda: None)
    conn.inc_thread_sharing()
    server = LiveServerThread("127.0.0.1", StaticFilesHandler,
                              connections_override={"default": conn})
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    yield f"http://127.0.0.1:{server.port}"
    server.terminate()
    for thread in threading.enumerate():  # requests still closing their connection
        if "process_request_thread" in thread.name:
            thread.join(10)
    conn.dec_thread_sharing()


CHECKS = (not_a_server_error, response_schema_conformance, content_type_conformance)


def exercise(operation, method, session) -> tuple[int, str | None]:
    """Runs one operation's generated cases; returns how many ran and the first failure."""
    ran, failure = 0, None

    @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(data_generation_method=method))
    def run(case):
        nonlocal ran, failure
        ran += 1
        try:
            response = case.call(session=session, timeout=30)
            case.validate_response(response, checks=CHECKS)
        except Exception as exc:
            failure = failure or f"{type(exc).__name__}: {str(exc)[:1500]}"
            raise

    try:
        run()
    except Unsatisfiable:
        pass  # no invalid value exists for some parameter types (e.g. a UUID in the path)
    except Exception as exc:  # noqa: BLE001 - reported with the operation's name
        failure = failure or f"{type(exc).__name__}: {str(exc)[:1500]}"
    return ran, failure


def test_schemathesis_finds_no_server_error_and_no_schema_violation(live_url, editor):
    """Every operation, positive and negative cases, as an editor with an API token."""
    token = Token.objects.create(user=editor)
    schema = schemathesis.from_uri(f"{live_url}/api/schema/", base_url=live_url)
    session = requests.Session()
    session.headers["Authorization"] = f"Token {token.key}"
    failures, total, operations = [], 0, 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for method in (DataGenerationMethod.positive, DataGenerationMethod.negative):
            ran, failure = exercise(operation, method, session)
            total += ran
            if failure:
                failures.append(f"{operation.verbose_name} [{method.value}]: {failure}")
    session.close()  # lets the server's keep-alive thread finish while the test still runs
    assert not failures, "\n\n".join(failures)
    assert operations >= 20
    assert total > 100


def test_schema_generates_without_warnings(tmp_path, db):
    from django.core.management import call_command

    target = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(target))
    assert "/api/v1/control/" in target.read_text()
