"""The one safe way ogstore fetches a URL someone gave it.

Guards, in the order a fetch meets them:

* URL syntax: http(s) only, a plain ASCII host, no userinfo, no backslashes.
* Address: the host is resolved once, inside the connection class, and every
  address must be globally routable (IPv4 forms hidden in IPv6 unwrapped) unless
  the policy's allowlist admits the host as written in the URL. The socket then
  connects to exactly those checked addresses, so DNS cannot answer differently
  between check and use; TLS and the Host header still use the host name.
* Ports: 80 and 443 only, unless the allowlist admits the host.
* Redirects: followed here, each hop checked the same way, at most ``max_redirects``.
* Bounds: connect and read timeouts, a total deadline enforced by a watchdog that
  shuts the socket down (name resolution included), and a cap on the decoded body
  size (so a gzip bomb stops at ``max_bytes`` too).
* Politeness: a ``User-Agent`` naming ogstore, and per-host limits (concurrent
  fetches, and a token bucket for the request rate) so ogstore cannot be used to
  flood a shop; past a short wait a fetch fails with ``rate_limited``. With a
  Redis the limits hold for all app processes together.
* Logs name the host and the error code, never the path, query or userinfo.

docs/security.md lists each promise and the test that proves it.
"""

import contextlib
import contextvars
import ipaddress
import logging
import socket
import string
import threading
import time
from dataclasses import dataclass
from functools import partial
from urllib.parse import urljoin, urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import ConnectTimeoutError, NewConnectionError, ReadTimeoutError

from plugin.metadata.errors import MetadataError
from plugin.metadata.extract import extract
from plugin.metadata.fetch.limits import HostLimiter, RedisHostLimiter, host_key
from plugin.metadata.product import Product

logger = logging.getLogger(__name__)

__all__ = [
    "DEFAULT_POLICY",
    "FetchPolicy",
    "FetchedPage",
    "HostLimiter",
    "RedisHostLimiter",
    "check_url",
    "fetch_page",
    "fetch_product",
    "is_public",
    "resolve",
]

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_DEFAULT_PORTS = frozenset({80, 443})
_HOST_CHARACTERS = frozenset(string.ascii_letters + string.digits + ".-_")
_GLOBAL_UNICAST_V6 = ipaddress.IPv6Network("2000::/3")
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")
_HTML_TYPES = ("text/html", "application/xhtml+xml")
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_CHUNK_BYTES = 64 * 1024
_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"
_SNIFF_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<title")
# Globally routable by the IANA tables, yet never a shop: Azure's wireserver/metadata
# address and the deprecated 6to4 relay anycast prefix.
_ALSO_BLOCKED = (
    ipaddress.IPv4Network("168.63.129.16/32"),
    ipaddress.IPv4Network("192.88.99.0/24"),
)
_LOUD_CODES = frozenset({"blocked_address", "rate_limited"})


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one fetch. ``allow`` lists hosts, IPs or CIDRs treated as public.

    The allowlist is how tests and the demo reach 127.0.0.1: an entry admits a URL
    whose host is that name, or an IP literal inside that address/network. It is
    matched against the host as written, so ``http://0x7f000001/`` or a DNS name
    pointing at 127.0.0.1 is not admitted by ``allow=("127.0.0.1",)``.
    """

    allow: tuple[str, ...] = ()
    max_bytes: int = 5_000_000
    connect_timeout: float = 5
    read_timeout: float = 10
    total_timeout: float = 20
    max_redirects: int = 5
    user_agent: str = (
        "ogstore/0.1 (+https://github.com/ogstore/ogstore; reads product metadata for sharing)"
    )
    proxy: str | None = None
    #: Per-host politeness: at most ``max_per_host`` requests in flight, and a token
    #: bucket refilled at ``host_rate`` requests a second holding up to ``host_burst``.
    #: A request waits at most ``rate_wait`` seconds for either, then fails with
    #: ``rate_limited``. Every redirect hop is one request to its host. The limits
    #: are counted in this process, or with ``limits_redis_url`` in that Redis,
    #: shared by every process that uses it.
    max_per_host: int = 4
    host_rate: float = 2.0
    host_burst: int = 20
    rate_wait: float = 2.0
    limits_redis_url: str | None = None

    def __post_init__(self) -> None:
        if self.max_per_host < 1 or self.host_burst < 1:
            raise ValueError("max_per_host and host_burst must be at least 1")
        if self.host_rate <= 0 or self.rate_wait < 0:
            raise ValueError("host_rate must be positive and rate_wait not negative")

    @classmethod
    def from_allow_string(cls, allow: str | None, **limits) -> "FetchPolicy":
        """A policy from the ``OGSTORE_FETCH_ALLOW`` setting: ``"127.0.0.1, localhost"``."""
        entries = tuple(entry.strip() for entry in (allow or "").split(",") if entry.strip())
        return cls(allow=entries, **limits)

    def admits(self, host: str) -> bool:
        """True when ``host`` (a URL's host, lower case, no brackets) is allowlisted."""
        names, networks = _allowlist(self.allow)
        if host in names:
            return True
        try:
            address = ipaddress.ip_address(host)
        except ValueError:
            return False
        return any(address in network for network in networks)


@dataclass
class FetchedPage:
    """A fetched response: the final URL after redirects and the (bounded) body."""

    url: str
    status: int
    content_type: str | None
    encoding: str | None
    content: bytes
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False


DEFAULT_POLICY = FetchPolicy()
_limiter = HostLimiter()
_shared_limiters: dict[str, RedisHostLimiter] = {}


def _limiter_for(policy: FetchPolicy) -> HostLimiter | RedisHostLimiter:
    """The process's own limiter, or the one counting in the policy's Redis."""
    url = policy.limits_redis_url
    if not url:
        return _limiter
    if url not in _shared_limiters:
        _shared_limiters[url] = RedisHostLimiter.from_url(url)
    return _shared_limiters[url]


def fetch_product(url: str, policy: FetchPolicy = DEFAULT_POLICY) -> Product:
    """The product on the page at ``url``, fetched under ``policy``."""
    page = fetch_page(url, policy)
    return extract(page.content, page.url, encoding=page.encoding)


def fetch_page(
    url: str,
    policy: FetchPolicy = DEFAULT_POLICY,
    *,
    etag: str | None = None,
    last_modified: str | None = None,
    accept_html_only: bool = True,
) -> FetchedPage:
    """GET ``url`` under ``policy``; raises ``MetadataError`` with a contract code.

    With ``etag``/``last_modified`` the request is conditional, and a 304 answer
    gives a page with ``not_modified=True`` and no content.
    """
    guard = _Guard(policy)
    guard.host = _host_for_log(url)
    watchdog = threading.Timer(policy.total_timeout, guard.expire)
    watchdog.daemon = True
    watchdog.start()
    redacting = _REDACT_URLS.set(True)
    try:
        with _session(policy, guard) as session:
            return _fetch(session, url, policy, guard, etag, last_modified, accept_html_only)
    except MetadataError as error:
        level = logging.WARNING if error.code in _LOUD_CODES else logging.INFO
        logger.log(level, "fetch from %s refused: %s", guard.host, error.code)
        raise
    except requests.RequestException as error:
        # The requests exception names the URL, query string included: it is not
        # chained, and only the kinds of failure (class names) are logged.
        logger.info("fetch from %s failed: %s", guard.host, _kinds(error))
        if guard.expired or isinstance(error, requests.Timeout):
            raise MetadataError("timeout", "The page took too long to answer.") from None
        if isinstance(error, requests.exceptions.InvalidURL):
            raise MetadataError("invalid_url", "The address is not a valid web address.") from None
        raise MetadataError("fetch_failed", "The page could not be fetched.") from None
    finally:
        _REDACT_URLS.reset(redacting)
        watchdog.cancel()


def _fetch(
    session: requests.Session,
    url: str,
    policy: FetchPolicy,
    guard: "_Guard",
    etag: str | None,
    last_modified: str | None,
    accept_html_only: bool,
) -> FetchedPage:
    """Follow redirects by hand, checking every hop, up to the page itself."""
    headers = {"User-Agent": policy.user_agent, "Accept": _ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    for _hop in range(policy.max_redirects + 1):
        guard.host = _host_for_log(url)
        url = check_url(url)
        parts = urlsplit(url)
        with _limiter_for(policy).slot(host_key(parts), policy, guard):
            if policy.proxy:
                guard.addresses(
                    parts.hostname, parts.port or (443 if parts.scheme == "https" else 80)
                )
            timeout = (
                min(policy.connect_timeout, guard.remaining()),
                min(policy.read_timeout, guard.remaining()),
            )
            response = session.get(
                url, headers=headers, timeout=timeout, allow_redirects=False, stream=True
            )
            with response:
                location = response.headers.get("Location")
                if response.status_code in _REDIRECTS and location:
                    url = urljoin(url, location.strip())
                    continue
                return _page(response, url, policy, guard, accept_html_only)
    raise MetadataError(
        "too_many_redirects", f"The page redirected more than {policy.max_redirects} times."
    )


def _page(
    response: requests.Response,
    url: str,
    policy: FetchPolicy,
    guard: "_Guard",
    accept_html_only: bool,
) -> FetchedPage:
    content_type, encoding = _content_type(response.headers.get("Content-Type"))
    page = FetchedPage(
        url=url,
        status=response.status_code,
        content_type=content_type,
        encoding=encoding,
        content=b"",
        etag=response.headers.get("ETag"),
        last_modified=response.headers.get("Last-Modified"),
    )
    if response.status_code == 304:
        page.not_modified = True
        return page
    if response.status_code >= 400:
        raise MetadataError(
            "fetch_failed",
            f"The page could not be fetched: the server answered {response.status_code}.",
        )
    if accept_html_only and content_type and content_type not in _HTML_TYPES:
        raise MetadataError("not_html", f"The address serves {content_type}, not a web page.")
    page.content = _body(response, policy, guard)
    if accept_html_only and not content_type and not _looks_like_html(page.content):
        raise MetadataError("not_html", "The address does not serve a web page.")
    return page


def _body(response: requests.Response, policy: FetchPolicy, guard: "_Guard") -> bytes:
    """The decoded body, cut off at ``max_bytes`` and at the total deadline."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_bytes:
        raise _too_large(policy)
    body = bytearray()
    try:
        for chunk in response.iter_content(_CHUNK_BYTES):
            body += chunk
            if len(body) > policy.max_bytes:
                raise _too_large(policy)
            if guard.expired:
                break
    except requests.RequestException as error:
        # requests reports a read timeout while streaming as a ConnectionError.
        if not (guard.expired or _read_timed_out(error)):
            raise
        raise MetadataError("timeout", "The page took too long to answer.") from None
    if guard.expired:
        raise MetadataError("timeout", "The page took too long to answer.")
    return bytes(body)


def _read_timed_out(error: BaseException) -> bool:
    seen: set[int] = set()
    pending: list[BaseException] = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if isinstance(current, ReadTimeoutError | TimeoutError):
            return True
        pending += [arg for arg in current.args if isinstance(arg, BaseException)]
        pending += [link for link in (current.__cause__, current.__context__) if link]
    return False


def _too_large(policy: FetchPolicy) -> MetadataError:
    return MetadataError("too_large", f"The page is larger than {policy.max_bytes} bytes.")


def check_url(url: str) -> str:
    """``url`` without its fragment if it is a plain http(s) URL, else ``invalid_url``.

    Refused: other schemes, userinfo (``user@host``, a classic disguise), backslashes,
    whitespace and control characters, non-ASCII hosts (use the ``xn--`` form),
    empty hosts and bad ports.
    """
    if not isinstance(url, str) or len(url) > 2048:
        raise MetadataError("invalid_url", "The address is not a valid web address.")
    if "\\" in url or any(char.isspace() or ord(char) < 32 or ord(char) == 127 for char in url):
        raise MetadataError("invalid_url", "The address contains characters URLs cannot have.")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise MetadataError("invalid_url", "The address is not a valid web address.") from error
    if parts.scheme.lower() not in ("http", "https"):
        raise MetadataError("invalid_url", "Only http and https addresses can be fetched.")
    if "@" in parts.netloc:
        raise MetadataError("invalid_url", "Addresses with a user name or password are refused.")
    host = parts.hostname or ""
    if not host or not _valid_host(host):
        raise MetadataError("invalid_url", "The address has no valid host name.")
    if port == 0:
        raise MetadataError("invalid_url", "The address has an invalid port.")
    return parts._replace(fragment="").geturl()


def _valid_host(host: str) -> bool:
    if ":" in host:  # an IPv6 literal; a zone (``fe80::1%25eth0``) is never public
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return "%" not in host
    return set(host) <= _HOST_CHARACTERS and ".." not in host and not host.startswith((".", "-"))


def resolve(host: str, port: int) -> list[tuple]:
    """``getaddrinfo`` for a TCP connection: the single place names become addresses."""
    return socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)


def is_public(address: IPAddress) -> bool:
    """True for a globally routable unicast address.

    IPv4 hidden in IPv6 (``::ffff:127.0.0.1``, 6to4 ``2002::/16``, NAT64
    ``64:ff9b::/96``, IPv4-compatible ``::7f00:1``) is judged as the IPv4 it
    carries; other IPv6 must be global unicast (``2000::/3``).
    """
    if isinstance(address, ipaddress.IPv6Address):
        embedded = address.ipv4_mapped or address.sixtofour
        if embedded is None and (address in _NAT64 or int(address) >> 32 == 0):
            embedded = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public(embedded)
        return address in _GLOBAL_UNICAST_V6 and address.is_global
    if any(address in network for network in _ALSO_BLOCKED):
        return False
    return address.is_global and not (address.is_multicast or address.is_reserved)


class _Guard:
    """One fetch's address checks and its deadline watchdog.

    Sockets register here, so that ``expire`` can shut them down: that interrupts
    a read blocked on a drip-fed body or headers.
    """

    def __init__(self, policy: FetchPolicy) -> None:
        self.policy = policy
        self.deadline = time.monotonic() + policy.total_timeout
        self.expired = False
        self.host = "?"  # the host of the current hop, for the log
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise MetadataError("timeout", "The page took too long to answer.")
        return left

    def addresses(self, host: str, port: int) -> list[tuple]:
        """Resolved addresses of ``host``, all checked; ``blocked_address`` otherwise."""
        host = host.strip("[]").lower().rstrip(".")
        records = self._resolve(host, port)
        if not records:
            raise MetadataError("fetch_failed", "The host name could not be resolved.")
        if self.policy.admits(host):
            return records
        for record in records:
            if not is_public(ipaddress.ip_address(record[4][0].split("%", 1)[0])):
                raise MetadataError(
                    "blocked_address",
                    "The address points to a private or reserved network and is refused.",
                )
        if port not in _DEFAULT_PORTS:
            raise MetadataError("blocked_address", "Only ports 80 and 443 can be fetched.")
        return records

    def _resolve(self, host: str, port: int) -> list[tuple]:
        """``resolve(host, port)`` within the total deadline.

        ``getaddrinfo`` cannot be given a timeout, so it runs on a daemon thread and
        a resolver that does not answer in time fails the fetch with ``timeout``.
        """
        answer: dict[str, object] = {}

        def lookup() -> None:
            try:
                answer["records"] = resolve(host, port)
            except (OSError, UnicodeError) as error:
                answer["error"] = error

        thread = threading.Thread(target=lookup, name="ogstore-resolve", daemon=True)
        thread.start()
        thread.join(self.remaining())
        if thread.is_alive():
            raise MetadataError("timeout", "The host name took too long to resolve.")
        if "records" not in answer:
            raise MetadataError("fetch_failed", "The host name could not be resolved.")
        return list(answer["records"])  # type: ignore[call-overload]

    def connect(self, connection: HTTPConnection) -> socket.socket:
        """A socket to one of the checked addresses of the connection's host."""
        records = self.addresses(connection._dns_host, connection.port)
        error: OSError | None = None
        for family, kind, proto, _name, sockaddr in records:
            sock = socket.socket(family, kind, proto)
            try:
                for option in connection.socket_options or ():
                    sock.setsockopt(*option)
                sock.settimeout(min(connection.timeout, self.remaining()))
                sock.connect(sockaddr)
            except OSError as failure:
                sock.close()
                error = failure
                continue
            self.track(sock)
            return sock
        raise error or OSError("no address to connect to")

    def track(self, sock: socket.socket) -> None:
        """Remember a socket so the deadline can interrupt reads on it."""
        with self._lock:
            self._sockets.append(sock)
        if self.expired:
            self.expire()

    def expire(self) -> None:
        """Called by the watchdog at the deadline: stop every read in progress.

        Sockets already closed or detached (wrapped in TLS) refuse the shutdown,
        which is fine: their replacement is tracked too.
        """
        self.expired = True
        with self._lock:
            sockets = list(self._sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _GuardedConnectionMixin:
    """``_new_conn`` through the guard: resolve, check, connect to what was checked."""

    def __init__(self, *args, guard: _Guard, **kwargs) -> None:
        self._guard = guard
        super().__init__(*args, **kwargs)

    def connect(self) -> None:
        super().connect()
        self._guard.track(self.sock)  # the TLS-wrapped socket, for HTTPS

    def _new_conn(self) -> socket.socket:
        try:
            return self._guard.connect(self)
        except TimeoutError as error:
            raise ConnectTimeoutError(self, f"Connection to {self.host} timed out.") from error
        except OSError as error:
            raise NewConnectionError(
                self, f"Failed to establish a new connection: {error}"
            ) from error


class _GuardedHTTPConnection(_GuardedConnectionMixin, HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, HTTPSConnection):
    pass


class _GuardedHTTPConnectionPool(HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSConnectionPool(HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(HTTPAdapter):
    """An adapter whose pools make guarded connections (no retries)."""

    def __init__(self, guard: _Guard) -> None:
        self._guard = guard
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {
            "http": partial(_GuardedHTTPConnectionPool, guard=self._guard),
            "https": partial(_GuardedHTTPSConnectionPool, guard=self._guard),
        }


def _session(policy: FetchPolicy, guard: _Guard) -> requests.Session:
    """A session that ignores environment proxies and .netrc and uses guarded pools.

    With ``policy.proxy`` the proxy makes the connection; each hop's host is still
    resolved and checked first (see ``_fetch``), and the proxy is trusted to
    reach what it was asked for.
    """
    session = requests.Session()
    session.trust_env = False
    if policy.proxy:
        session.proxies = {"http": policy.proxy, "https": policy.proxy}
    else:
        adapter = _GuardedAdapter(guard)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
    return session


class _RedactUrls(logging.Filter):
    """Strips query strings from urllib3's log records made during a fetch.

    urllib3 logs each request line (``"GET /p?token=… HTTP/1.1" 200``) at DEBUG;
    inside ``fetch_page`` the query is cut so no secret in a URL reaches a log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if _REDACT_URLS.get() and isinstance(record.args, tuple):
            record.args = tuple(
                _strip_query(arg) if isinstance(arg, str) else arg for arg in record.args
            )
        return True


def _strip_query(text: str) -> str:
    return text.split("?", 1)[0] + "?…" if "?" in text else text


_REDACT_URLS = contextvars.ContextVar("ogstore_fetch_redact_urls", default=False)
_urllib3_log = logging.getLogger("urllib3.connectionpool")
if not any(isinstance(existing, _RedactUrls) for existing in _urllib3_log.filters):
    _urllib3_log.addFilter(_RedactUrls())


def _kinds(error: BaseException) -> str:
    """``ConnectionError < NewConnectionError < ConnectionRefusedError``: no messages."""
    kinds, seen = [], set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        kinds.append(type(current).__name__)
        current = current.__cause__ or current.__context__
    return " < ".join(kinds)


def _allowlist(allow: tuple[str, ...]) -> tuple[frozenset[str], list[IPNetwork]]:
    names, networks = set(), []
    for entry in allow:
        entry = entry.strip().lower().strip("[]")
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            names.add(entry.rstrip("."))
    return frozenset(names), networks


def _content_type(header: str | None) -> tuple[str | None, str | None]:
    """Media type and charset of a ``Content-Type`` header."""
    if not header:
        return None, None
    media_type, *params = header.split(";")
    charset = None
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset":
            charset = value.strip().strip("\"'") or None
    return media_type.strip().lower() or None, charset


def _looks_like_html(content: bytes) -> bool:
    start = content[:1024].lstrip().lower()
    return any(marker in start for marker in _SNIFF_MARKERS)


def _host_for_log(url: str) -> str:
    try:
        return urlsplit(url).hostname or "?"
    except (ValueError, AttributeError):
        return "?"
