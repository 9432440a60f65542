"""Per-host politeness limits of the safe fetcher, shared by every fetch.

Each request (every redirect hop is one) to a host holds one of the host's
``max_per_host`` slots and takes one token from its bucket, refilled at
``host_rate`` a second up to ``host_burst``. Waiting for either is bounded by
``rate_wait`` and by the fetch's own deadline; past that the fetch fails with
``rate_limited`` before anything is sent.

``HostLimiter`` counts in this process. ``RedisHostLimiter`` counts in Redis, so
every app process together stays within one set of limits; when Redis cannot be
reached it falls back to counting in the process rather than failing the fetch.
"""

import contextlib
import logging
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult

import redis

from plugin.metadata.errors import MetadataError

if TYPE_CHECKING:
    from plugin.metadata.fetch import FetchPolicy, _Guard

logger = logging.getLogger(__name__)

_MAX_TRACKED_HOSTS = 10_000


def _busy(policy: "FetchPolicy") -> MetadataError:
    return MetadataError(
        "rate_limited",
        f"ogstore is already reading {policy.max_per_host} pages from"
        " this shop; try again in a moment.",
    )


def _too_often() -> MetadataError:
    return MetadataError(
        "rate_limited",
        "ogstore has read this shop's pages too often just now; try again in a few seconds.",
    )


@dataclass
class _HostState:
    tokens: float
    updated: float
    active: int = 0


class HostLimiter:
    """Per-host limits shared by every fetch in this process.

    A host is the URL's host name (lower case, no trailing dot); on a port other
    than 80/443 (reachable only through the allowlist) ``host:port`` is its own host.
    """

    def __init__(self) -> None:
        self._condition = threading.Condition()
        self._hosts: dict[str, _HostState] = {}

    @contextlib.contextmanager
    def slot(self, host: str, policy: "FetchPolicy", guard: "_Guard") -> Iterator[None]:
        """Hold one of ``host``'s request slots and one token of its bucket."""
        give_up = time.monotonic() + min(policy.rate_wait, guard.remaining())
        with self._condition:
            now = time.monotonic()
            state = self._hosts.get(host)
            if state is None:
                state = self._hosts[host] = _HostState(tokens=policy.host_burst, updated=now)
            while state.active >= policy.max_per_host:
                if now >= give_up:
                    raise _busy(policy)
                self._condition.wait(give_up - now)
                now = time.monotonic()
                state = self._hosts.setdefault(host, state)
            state.tokens = min(
                policy.host_burst, state.tokens + (now - state.updated) * policy.host_rate
            )
            state.updated = now
            delay = max(0.0, (1 - state.tokens) / policy.host_rate)
            if delay > 0 and now + delay > give_up:
                raise _too_often()
            state.tokens -= 1
            state.active += 1
        try:
            if delay:
                time.sleep(delay)
            yield
        finally:
            with self._condition:
                state.active -= 1
                self._condition.notify_all()
                if len(self._hosts) > _MAX_TRACKED_HOSTS:
                    self._forget_idle(policy)

    def _forget_idle(self, policy: "FetchPolicy") -> None:
        now = time.monotonic()
        for host, state in list(self._hosts.items()):
            full = state.tokens + (now - state.updated) * policy.host_rate >= policy.host_burst
            if state.active == 0 and full:
                del self._hosts[host]


# One atomic step of RedisHostLimiter: drop slots past their hold, then take a free
# slot and a token together, or say why not. Redis's own clock is the one clock
# every process shares. Lua numbers come back as integers, so the delay is a string.
_ACQUIRE = """
local clock = redis.call('TIME')
local now = tonumber(clock[1]) + tonumber(clock[2]) / 1000000
local max_per_host, rate, burst = tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local max_delay, hold = tonumber(ARGV[5]), tonumber(ARGV[6])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= max_per_host then return {'busy', '0'} end
local bucket = redis.call('HMGET', KEYS[2], 'tokens', 'updated')
local tokens = tonumber(bucket[1]) or burst
tokens = math.min(burst, tokens + (now - (tonumber(bucket[2]) or now)) * rate)
local delay = math.max(0, (1 - tokens) / rate)
if delay > max_delay then return {'too_often', tostring(delay)} end
tokens = tokens - 1
redis.call('HSET', KEYS[2], 'tokens', tostring(tokens), 'updated', tostring(now))
redis.call('EXPIRE', KEYS[2], math.ceil((burst - tokens) / rate) + 1)
redis.call('ZADD', KEYS[1], now + delay + hold, ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(delay + hold) + 1)
return {'ok', tostring(delay)}
"""


class RedisHostLimiter:
    """Per-host limits counted in Redis: one set of limits for every app process.

    A slot is a member of the host's sorted set, scored with the time it must be
    given back by (the fetch's deadline plus ``_HOLD_MARGIN``), so a process that
    dies mid-fetch frees its slots by then. A full bucket is a missing key, which
    is why idle hosts cost nothing. While Redis is unreachable the fetches count in
    this process instead, and Redis is tried again after ``_RETRY_AFTER`` seconds.
    """

    _HOLD_MARGIN = 1.0
    _POLL = 0.05
    _RETRY_AFTER = 30.0

    def __init__(self, client: redis.Redis) -> None:
        self._client = client
        self._acquire = client.register_script(_ACQUIRE)
        self._fallback = HostLimiter()
        self._down_until = 0.0

    @classmethod
    def from_url(cls, url: str) -> "RedisHostLimiter":
        """A limiter on the Redis at ``url``; short socket timeouts keep fetches moving."""
        return cls(redis.Redis.from_url(url, socket_timeout=1, socket_connect_timeout=1))

    @contextlib.contextmanager
    def slot(self, host: str, policy: "FetchPolicy", guard: "_Guard") -> Iterator[None]:
        """Hold one of ``host``'s request slots and one token of its bucket."""
        member, slots, delay = uuid.uuid4().hex, None, 0.0
        if time.monotonic() >= self._down_until:
            try:
                slots, delay = self._take(host, member, policy, guard)
            except redis.RedisError as error:
                logger.warning("fetch limits: Redis unavailable (%s); counting in-process", error)
                self._down_until = time.monotonic() + self._RETRY_AFTER
        if slots is None:
            with self._fallback.slot(host, policy, guard):
                yield
            return
        try:
            if delay:
                time.sleep(delay)
            yield
        finally:
            with contextlib.suppress(redis.RedisError):  # else it expires with its hold
                self._client.zrem(slots, member)

    def _take(
        self, host: str, member: str, policy: "FetchPolicy", guard: "_Guard"
    ) -> tuple[str, float]:
        """The slots key and the delay before sending; ``rate_limited`` past the wait."""
        keys = [f"ogstore:fetch:{host}:slots", f"ogstore:fetch:{host}:bucket"]
        give_up = time.monotonic() + min(policy.rate_wait, guard.remaining())
        while True:
            now = time.monotonic()
            status, delay = self._acquire(
                keys=keys,
                args=[
                    member,
                    policy.max_per_host,
                    policy.host_rate,
                    policy.host_burst,
                    max(0.0, give_up - now),
                    policy.total_timeout + self._HOLD_MARGIN,
                ],
            )
            if status == b"ok":
                return keys[0], float(delay)
            if status == b"too_often":
                raise _too_often()
            if now >= give_up:
                raise _busy(policy)
            time.sleep(min(self._POLL, give_up - now))


def host_key(parts: SplitResult) -> str:
    host = (parts.hostname or "").rstrip(".")
    port = parts.port
    return host if port in (None, 80, 443) else f"{host}:{port}"
