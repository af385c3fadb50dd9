"""Fetching: address checks, redirects, size cap, timeouts, content types, conditional GET."""

import threading
import time

import pytest

from ingest.fetch import (
    HTTPError,
    InvalidURL,
    NotText,
    RefusedAddress,
    Timeout,
    TooLarge,
    check_url,
    checked_session,
    fetch_url,
)

from .pages import article_html


def test_fetches_a_page_from_an_allowed_host(http_server, allow_local):
    url = http_server.add("/news/1", article_html())
    result = fetch_url(url)
    assert result.status == 200 and result.content_type == "text/html"
    assert result.charset == "utf-8" and b"Kafr Nabl" in result.content


def test_loopback_is_refused_unless_allowed(http_server, settings):
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = []
    url = http_server.add("/news/1", article_html())
    with pytest.raises(RefusedAddress, match="127.0.0.1.*private, loopback"):
        fetch_url(url)
    assert http_server.hits("/news/1") == 0  # refused before any connection


def test_a_host_that_resolves_to_a_private_address_at_connect_time_is_refused(http_server,
                                                                             settings):
    # DNS rebinding: the name looked public when checked and points inside when the
    # connection is made. The connection itself checks the address it reached, before
    # sending the request; here it is given a loopback URL without the up-front check.
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = []
    url = http_server.add("/internal/admin", "secret")
    with checked_session() as session, pytest.raises(Exception) as caught:
        session.get(url, timeout=5)
    assert "127.0.0.1" in str(caught.value) and "non-public" in str(caught.value)
    assert http_server.hits("/internal/admin") == 0  # the request was never sent

    settings.FETCH_ALLOWED_PRIVATE_HOSTS = ["127.0.0.1"]  # an allowed host still works
    with checked_session() as session:
        assert session.get(url, timeout=5).text == "secret"


@pytest.mark.parametrize("url", [
    "http://10.1.2.3/", "http://192.168.0.1/admin", "http://169.254.169.254/latest/meta-data/",
    "http://[::1]:8000/", "http://0.0.0.0/", "http://localhost:6379/", "http://224.0.0.1/",
    "http://[fd00::1]/", "http://[::ffff:127.0.0.1]/",
])
def test_private_link_local_multicast_and_reserved_addresses_are_refused(url, settings):
    settings.FETCH_ALLOWED_PRIVATE_HOSTS = []
    with pytest.raises(RefusedAddress):
        check_url(url)


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://example.org/a.txt",
                                 "gopher://x/", "http://", "javascript:alert(1)"])
def test_only_http_and_https_urls_are_fetched(url):
    with pytest.raises(InvalidURL):
        fetch_url(url)


def test_every_redirect_hop_is_checked_again(http_server, allow_local):
    http_server.routes["/go"] = lambda h: (302, {"Location": "http://10.9.8.7/internal"}, b"")
    with pytest.raises(RefusedAddress, match="10.9.8.7"):
        fetch_url(http_server.url("/go"))


def test_redirects_to_allowed_pages_are_followed(http_server, allow_local):
    target = http_server.add("/story", article_html())
    http_server.routes["/short"] = lambda h: (301, {"Location": "/story"}, b"")
    result = fetch_url(http_server.url("/short"))
    assert result.url == target and b"Kafr Nabl" in result.content


def test_a_50_mb_download_is_stopped_at_the_cap(http_server, allow_local, settings):
    settings.FETCH_MAX_BYTES = 2 * 1024 * 1024
    sent = []

    def huge(_h):
        def body():
            for _ in range(50):  # 50 MB, no Content-Length: only the streamed cap can stop it
                sent.append(1)
                yield b"<p>" + b"x" * (1024 * 1024 - 7) + b"</p>\n"
        return 200, {"Content-Type": "text/html"}, body()

    http_server.routes["/huge"] = huge
    started = time.monotonic()
    with pytest.raises(TooLarge, match="larger than the limit of 2,097,152 bytes"):
        fetch_url(http_server.url("/huge"))
    assert time.monotonic() - started < 10
    assert len(sent) < 50


def test_a_declared_oversized_body_is_refused_before_reading(http_server, allow_local, settings):
    settings.FETCH_MAX_BYTES = 1000
    http_server.add("/big", "y" * 5000, content_type="text/plain")
    with pytest.raises(TooLarge, match="5,000 bytes; the limit is 1,000"):
        fetch_url(http_server.url("/big"))


def test_a_server_that_does_not_answer_in_time_times_out(http_server, allow_local, settings):
    settings.FETCH_TIMEOUT_SECONDS = 1
    release = threading.Event()

    def slow(_h):
        release.wait(5)
        return 200, {"Content-Type": "text/html"}, b"<p>late</p>"

    http_server.routes["/slow"] = slow
    started = time.monotonic()
    with pytest.raises(Timeout, match="did not answer within 1 seconds") as info:
        fetch_url(http_server.url("/slow"))
    release.set()
    assert time.monotonic() - started < 3
    assert info.value.transient


def test_binary_content_types_are_refused(http_server, allow_local):
    http_server.add("/photo", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100, content_type="image/png")
    with pytest.raises(NotText, match="image/png, not a web page"):
        fetch_url(http_server.url("/photo"))


def test_http_errors_say_the_status_and_whether_to_retry(http_server, allow_local):
    http_server.add("/gone", "gone", status=404)
    http_server.add("/busy", "busy", status=503)
    with pytest.raises(HTTPError, match="HTTP 404") as missing:
        fetch_url(http_server.url("/gone"))
    with pytest.raises(HTTPError, match="HTTP 503") as busy:
        fetch_url(http_server.url("/busy"))
    assert not missing.value.transient and busy.value.transient


def test_conditional_get_sends_the_validators_and_accepts_304(http_server, allow_local):
    def feed(h):
        if h.headers.get("If-None-Match") == '"v1"':
            return 304, {"ETag": '"v1"'}, b""
        return 200, {"Content-Type": "application/rss+xml", "ETag": '"v1"'}, b"<rss/>"

    http_server.routes["/feed"] = feed
    first = fetch_url(http_server.url("/feed"))
    second = fetch_url(http_server.url("/feed"), etag=first.headers["etag"])
    assert first.status == 200 and not first.not_modified
    assert second.not_modified and second.content == b""
