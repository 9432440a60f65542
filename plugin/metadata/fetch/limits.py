"""Per-host politeness limits of the safe fetcher, shared by every fetch in a process.

Each request (every redirect hop is one) to a host holds one of the host's
``max_per_host`` slots and takes one token from its bucket, refilled at
``host_rate`` a second up to ``host_burst``. Waiting for either is bounded by
``rate_wait`` and by the fetch's own deadline; past that the fetch fails with
``rate_limited`` before anything is sent. The limits hold per process: with N app
processes a shop sees at most N times them.
"""

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING
from urllib.parse import SplitResult

from plugin.metadata.errors import MetadataError

if TYPE_CHECKING:
    from plugin.metadata.fetch import FetchPolicy, _Guard

_MAX_TRACKED_HOSTS = 10_000


@dataclass
class _HostState:
    tokens: float
    updated: float
    active: int = 0


class HostLimiter:
    """Per-host limits shared by every fetch in the process.

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
                    raise MetadataError(
                        "rate_limited",
                        f"ogstore is already reading {policy.max_per_host} pages from"
                        " this shop; try again in a moment.",
                    )
                self._condition.wait(give_up - now)
                now = time.monotonic()
                state = self._hosts.setdefault(host, state)
            state.tokens = min(
                policy.host_burst, state.tokens + (now - state.updated) * policy.host_rate
            )
            state.updated = now
            delay = max(0.0, (1 - state.tokens) / policy.host_rate)
            if delay > 0 and now + delay > give_up:
                raise MetadataError(
                    "rate_limited",
                    "ogstore has read this shop's pages too often just now;"
                    " try again in a few seconds.",
                )
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


def host_key(parts: SplitResult) -> str:
    host = (parts.hostname or "").rstrip(".")
    port = parts.port
    return host if port in (None, 80, 443) else f"{host}:{port}"
