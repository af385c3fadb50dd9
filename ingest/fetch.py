"""Fetching web pages and feeds safely.

Anyone may submit a URL (the API accepts them from clients), so a fetch must not become
a way into the private network (SSRF), a way to fill the disk or a way to hang a worker:
only http(s), every address a host resolves to is checked on every redirect hop, the body
is streamed and cut off at ``FETCH_MAX_BYTES``, and the whole fetch has a deadline.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import requests
import urllib3
from django.conf import settings
from requests.adapters import HTTPAdapter

from .errors import IngestError, TransientIngestError

MAX_REDIRECTS = 5
_REDIRECT_STATUSES = {301, 302, 303, 307, 308}
_CHUNK = 64 * 1024
# Content types worth cleaning; anything else (images, PDFs, archives) is refused up front.
_TEXT_TYPES = (
    "text/",
    "application/xhtml+xml",
    "application/xml",
    "application/rss+xml",
    "application/atom+xml",
    "application/rdf+xml",
    "application/feed+json",
)


class FetchError(IngestError):
    """The URL could not be fetched."""


class InvalidURL(FetchError):
    """Not an http(s) URL with a host."""


class RefusedAddress(FetchError):
    """The host resolves to an address the fetcher must not reach (private, loopback, ...)."""


class TooLarge(FetchError):
    """The body is larger than ``FETCH_MAX_BYTES``."""


class NotText(FetchError):
    """The server says the body is not text (an image, a PDF, an archive...)."""


class TooManyRedirects(FetchError):
    """More than ``MAX_REDIRECTS`` hops."""


class Timeout(FetchError, TransientIngestError):
    """The server did not answer within ``FETCH_TIMEOUT_SECONDS``."""


class ConnectionFailed(FetchError, TransientIngestError):
    """The host name did not resolve or the connection was refused or reset."""


class HTTPError(FetchError):
    """The server answered with an error status."""

    def __init__(self, status: int, url: str):
        self.status = status
        self.url = url
        super().__init__(f"The server answered HTTP {status} for {url}.")

    @property
    def transient(self) -> bool:  # type: ignore[override]
        # Server errors and rate limiting pass; a 404 or 403 will not change by retrying.
        return self.status >= 500 or self.status == 429


@dataclass(slots=True)
class FetchResult:
    """What a fetch returned: the final URL after redirects, the status, headers and body."""

    url: str
    status: int
    content: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip().lower()

    @property
    def charset(self) -> str:
        """The charset the Content-Type header declares, or ""."""
        for part in self.headers.get("content-type", "").split(";")[1:]:
            key, _, value = part.partition("=")
            if key.strip().lower() == "charset":
                return value.strip().strip("\"'")
        return ""

    @property
    def not_modified(self) -> bool:
        return self.status == 304


def _allowed_hosts() -> set[str]:
    return {h.lower() for h in settings.FETCH_ALLOWED_PRIVATE_HOSTS}


def _refuse_non_public(host: str, raw_address: str, allowed: set[str]) -> None:
    address = ipaddress.ip_address(raw_address.split("%", 1)[0])
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    if host.lower() in allowed or str(address) in allowed:
        return
    if (address.is_private or address.is_loopback or address.is_link_local
            or address.is_multicast or address.is_reserved or address.is_unspecified
            or not address.is_global):
        raise RefusedAddress(
            f"Refused to fetch {host}: it resolves to {address}, a private, loopback or "
            "otherwise non-public address."
        )


def _check_address(host: str, port: int) -> None:
    """Refuse hosts that resolve to non-public addresses, unless explicitly allowed."""
    allowed = _allowed_hosts()
    if host.lower() in allowed:
        return
    try:
        infos = socket.getaddrinfo(host, port, proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise ConnectionFailed(f"The host name {host!r} could not be resolved ({exc}).") from exc
    for info in infos:
        _refuse_non_public(host, info[4][0], allowed)


class _PeerCheckMixin:
    """Checks the address a connection actually reached before a byte is sent on it.

    ``check_url`` resolves the host before the request, and the connection resolves it
    again: a DNS server that answers a public address the first time and a private one
    the second (DNS rebinding) would slip through. This check closes that gap.
    """

    def _new_conn(self):
        # RefusedAddress is no OSError: urllib3 and requests let it through unwrapped.
        sock = super()._new_conn()
        try:
            _refuse_non_public(self.host, sock.getpeername()[0], _allowed_hosts())
        except RefusedAddress:
            sock.close()
            raise
        return sock


class _CheckedHTTPConnection(_PeerCheckMixin, urllib3.connection.HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerCheckMixin, urllib3.connection.HTTPSConnection):
    pass


class _CheckedHTTPPool(urllib3.HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class _CheckedAdapter(HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool,
                                                   "https": _CheckedHTTPSPool}


def checked_session() -> requests.Session:
    """A requests session that refuses to talk to non-public addresses at connect time,
    ignores proxies from the environment (they would bypass the checks)."""
    session = requests.Session()
    session.trust_env = False
    adapter = _CheckedAdapter(max_retries=0)
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    return session


def check_url(url: str) -> tuple[str, int]:
    """Validate an http(s) URL and its host's addresses; return (host, port)."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InvalidURL(f"{url!r} is not a valid URL ({exc}).") from exc
    if parts.scheme not in ("http", "https"):
        raise InvalidURL(f"Only http and https URLs can be fetched, not {url!r}.")
    if not parts.hostname:
        raise InvalidURL(f"The URL {url!r} has no host.")
    port = port or (443 if parts.scheme == "https" else 80)
    _check_address(parts.hostname, port)
    return parts.hostname, port


def _is_text_type(content_type: str) -> bool:
    # A generic binary type is often a misconfigured server: the cleaner sniffs the bytes.
    return (not content_type or content_type.endswith(("/octet-stream", "+xml", "/json"))
            or content_type.startswith(_TEXT_TYPES))


def _read_body(response: requests.Response, *, url: str, max_bytes: int,
               deadline: float, timeout: float) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise TooLarge(f"{url} is {int(declared):,} bytes; the limit is {max_bytes:,} bytes.")
    chunks, size = [], 0
    for chunk in response.iter_content(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise TooLarge(f"{url} is larger than the limit of {max_bytes:,} bytes; "
                           "the download was stopped.")
        # requests' timeout is per read; a server trickling bytes must not hold a worker.
        if time.monotonic() > deadline:
            raise Timeout(f"{url} did not finish downloading within {timeout:g} seconds.")
        chunks.append(chunk)
    return b"".join(chunks)


def fetch_url(url: str, *, etag: str = "", last_modified: str = "",
              accept: str = "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
              timeout: float | None = None, max_bytes: int | None = None) -> FetchResult:
    """GET ``url`` safely; a conditional GET when ``etag``/``last_modified`` are given.

    Returns a 304 result (empty body) when the server says nothing changed. Raises a
    ``FetchError`` subclass whose message says what went wrong in words a user follows.
    """
    timeout = float(timeout if timeout is not None else settings.FETCH_TIMEOUT_SECONDS)
    max_bytes = int(max_bytes if max_bytes is not None else settings.FETCH_MAX_BYTES)
    deadline = time.monotonic() + timeout
    headers = {"User-Agent": settings.FETCH_USER_AGENT, "Accept": accept}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    current = url
    with checked_session() as session:
        for _hop in range(MAX_REDIRECTS + 1):
            check_url(current)
            try:
                response = session.get(current, headers=headers, stream=True, timeout=timeout,
                                       allow_redirects=False)
            except requests.Timeout as exc:
                raise Timeout(f"{current} did not answer within {timeout:g} seconds.") from exc
            except requests.ConnectionError as exc:
                raise ConnectionFailed(f"Could not connect to {current}: {exc}.") from exc
            except requests.RequestException as exc:
                raise FetchError(f"Could not fetch {current}: {exc}.") from exc
            with response:
                if response.status_code in _REDIRECT_STATUSES and "location" in response.headers:
                    current = urljoin(current, response.headers["location"])
                    continue
                result = FetchResult(url=current, status=response.status_code,
                                     headers={k.lower(): v for k, v in response.headers.items()})
                if response.status_code == 304:
                    return result
                if response.status_code >= 400:
                    raise HTTPError(response.status_code, current)
                if not _is_text_type(result.content_type):
                    raise NotText(f"{current} is {result.content_type}, not a web page or text; "
                                  "only HTML, plain text and feeds can be ingested.")
                try:
                    result.content = _read_body(response, url=current, max_bytes=max_bytes,
                                                deadline=deadline, timeout=timeout)
                except requests.Timeout as exc:
                    raise Timeout(f"{current} did not finish answering within {timeout:g} "
                                  "seconds.") from exc
                except requests.ConnectionError as exc:
                    # requests reports a read timeout in the middle of a body this way.
                    if "timed out" in str(exc).lower():
                        raise Timeout(f"{current} did not finish answering within {timeout:g} "
                                      "seconds.") from exc
                    raise ConnectionFailed(f"The connection to {current} broke: {exc}.") from exc
                return result
    raise TooManyRedirects(f"{url} redirected more than {MAX_REDIRECTS} times.")
