"""Per-host politeness: concurrent fetches and request rate, so ogstore cannot flood a shop.

Each limit is proved twice: counted in this process, and counted in Redis, where
every app process shares it.
"""

import contextlib
import functools
import logging
import threading
import time

import pytest
import redis

from plugin.catalog.services import fetch_policy
from plugin.metadata import FetchPolicy, MetadataError, fetch_page
from plugin.metadata import fetch as fetch_module
from plugin.metadata.fetch import RedisHostLimiter

pytestmark = pytest.mark.usefixtures("network")

PAGE = b"<!DOCTYPE html><title>shop</title>"


@pytest.fixture(params=["in-process", "redis"])
def make_policy(request, monkeypatch):
    """``FetchPolicy`` with its limits counted in this process, or in a (fresh) Redis."""
    if request.param == "in-process":
        return FetchPolicy
    monkeypatch.setattr(fetch_module, "_shared_limiters", {})
    return functools.partial(FetchPolicy, limits_redis_url=request.getfixturevalue("redis_url"))


def fetch_code(url, policy):
    try:
        fetch_page(url, policy)
    except MetadataError as error:
        return error.code
    return "ok"


def test_defaults_are_polite_and_documented():
    policy = FetchPolicy()
    assert policy.max_per_host == 4
    assert policy.host_rate == 2.0 and policy.host_burst == 20
    assert policy.rate_wait == 2.0
    assert FetchPolicy.from_allow_string("127.0.0.1", max_per_host=2).max_per_host == 2


@pytest.mark.parametrize(
    "limits",
    [{"max_per_host": 0}, {"host_burst": 0}, {"host_rate": 0}, {"rate_wait": -1}],
)
def test_nonsense_limits_are_refused(limits):
    with pytest.raises(ValueError):
        FetchPolicy(**limits)


def test_concurrent_fetches_per_host_are_capped(make_policy, shop):
    """Six fetches at once: four reach the shop, two wait briefly and get rate_limited."""
    release = threading.Event()

    def slow(handler):
        release.wait(5)
        handler.reply(200, PAGE)

    shop.routes["/slow"] = slow
    policy = make_policy(rate_wait=0.3)
    codes = []
    threads = [
        threading.Thread(
            target=lambda: codes.append(fetch_code("http://shop.example/slow", policy))
        )
        for _ in range(6)
    ]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 3
    while codes.count("rate_limited") < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert codes == ["rate_limited", "rate_limited"]
    assert len(shop.requests) == 4
    release.set()
    for thread in threads:
        thread.join(5)
    assert sorted(codes) == ["ok"] * 4 + ["rate_limited"] * 2
    assert shop.peak == 4


def test_a_waiting_fetch_gets_the_freed_slot(make_policy, shop):
    release = threading.Event()

    def slow(handler):
        release.wait(5)
        handler.reply(200, PAGE)

    shop.routes["/slow"] = slow
    shop.routes["/fast"] = lambda h: h.reply(200, PAGE)
    policy = make_policy(max_per_host=1, rate_wait=3)
    first = threading.Thread(target=fetch_page, args=("http://shop.example/slow", policy))
    first.start()
    while not shop.requests:
        time.sleep(0.01)
    threading.Timer(0.2, release.set).start()
    started = time.monotonic()
    assert fetch_page("http://shop.example/fast", policy).status == 200
    assert 0.15 < time.monotonic() - started < 2
    first.join(5)
    assert shop.peak == 1


def test_slots_are_released_after_errors(make_policy, shop):
    """Failed fetches (404, not_html, too_large, blocked redirect) give their slot back."""
    shop.routes["/pdf"] = lambda h: h.reply(200, b"%PDF", content_type="application/pdf")
    shop.routes["/big"] = lambda h: h.reply(200, b"<p>" * 100)
    shop.routes["/out"] = lambda h: h.redirect("http://127.0.0.1/", 302)
    policy = make_policy(max_per_host=1, rate_wait=0, max_bytes=10)
    expected = ["fetch_failed", "not_html", "too_large", "blocked_address"] * 3
    paths = ["/missing", "/pdf", "/big", "/out"] * 3
    assert [fetch_code(f"http://shop.example{path}", policy) for path in paths] == expected


def test_burst_then_rate_limited_without_reaching_the_shop(make_policy, shop):
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    policy = make_policy(host_burst=3, host_rate=0.5, rate_wait=0.2)
    codes = [fetch_code("http://shop.example/", policy) for _ in range(5)]
    assert codes == ["ok", "ok", "ok", "rate_limited", "rate_limited"]
    assert len(shop.requests) == 3


def test_rate_limited_error_is_clear(make_policy, shop):
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    policy = make_policy(host_burst=1, host_rate=0.1, rate_wait=0)
    fetch_page("http://shop.example/", policy)
    with pytest.raises(MetadataError) as caught:
        fetch_page("http://shop.example/", policy)
    assert caught.value.code == "rate_limited"
    assert "try again" in caught.value.message


def test_short_waits_are_absorbed(make_policy, shop):
    """Past the burst a fetch waits for the next token when that is within rate_wait."""
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    policy = make_policy(host_burst=2, host_rate=10, rate_wait=0.5)
    started = time.monotonic()
    codes = [fetch_code("http://shop.example/", policy) for _ in range(5)]
    elapsed = time.monotonic() - started
    assert codes == ["ok"] * 5
    assert 0.25 < elapsed < 1.5  # three waits of ~0.1 s


def test_each_redirect_hop_counts(make_policy, shop):
    shop.routes["/a"] = lambda h: h.redirect("/b", 301)
    shop.routes["/b"] = lambda h: h.redirect("/c", 302)
    shop.routes["/c"] = lambda h: h.reply(200, PAGE)
    policy = make_policy(host_burst=4, host_rate=0.1, rate_wait=0)
    assert fetch_code("http://shop.example/a", policy) == "ok"
    assert fetch_code("http://shop.example/a", policy) == "rate_limited"
    assert [path for path, _ in shop.requests] == ["/a", "/b", "/c", "/a"]


def test_hosts_have_separate_limits(make_policy, shop, network, dns):
    dns.records["other.example"] = ["93.184.216.35"]
    network.route("93.184.216.35", 80, shop)
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    policy = make_policy(host_burst=1, host_rate=0.1, rate_wait=0)
    assert fetch_code("http://shop.example/", policy) == "ok"
    assert fetch_code("http://other.example/", policy) == "ok"
    assert fetch_code("http://SHOP.example./", policy) == "rate_limited"
    assert fetch_code("https://shop.example/", policy) == "rate_limited"


def test_the_wait_never_outlives_the_total_deadline(make_policy, shop):
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    policy = make_policy(host_burst=1, host_rate=0.2, rate_wait=10, total_timeout=0.3)
    fetch_page("http://shop.example/", policy)
    started = time.monotonic()
    assert fetch_code("http://shop.example/", policy) == "rate_limited"
    assert time.monotonic() - started < 0.5


def test_limits_are_shared_by_every_fetch_in_the_process(make_policy, shop):
    """Limits live in the module, not in a policy object: a new policy does not reset them."""
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    limits = {"host_burst": 1, "host_rate": 0.1, "rate_wait": 0}
    assert fetch_code("http://shop.example/", make_policy(**limits)) == "ok"
    assert fetch_code("http://shop.example/", make_policy(**limits)) == "rate_limited"


def test_idle_hosts_are_forgotten(monkeypatch, shop, network, dns):
    monkeypatch.setattr(fetch_module.limits, "_MAX_TRACKED_HOSTS", 3)
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    policy = FetchPolicy(host_rate=1000)
    for index in range(6):
        dns.records[f"shop{index}.example"] = ["93.184.216.34"]
        fetch_page(f"http://shop{index}.example/", policy)
        time.sleep(0.03)  # the bucket refills: an idle host
    assert len(fetch_module._limiter._hosts) <= 4


# Counted in Redis: what two app processes see together. A process is one
# RedisHostLimiter, exactly what each app process builds for itself.


def two_processes(redis_url):
    return RedisHostLimiter.from_url(redis_url), RedisHostLimiter.from_url(redis_url)


def take_slot(stack, limiter, policy):
    """Enter one slot of shop.example and keep it until ``stack`` closes."""
    stack.enter_context(limiter.slot("shop.example", policy, fetch_module._Guard(policy)))


def test_processes_share_one_cap_on_fetches_in_flight(redis_url):
    first, second = two_processes(redis_url)
    policy = FetchPolicy(limits_redis_url=redis_url, rate_wait=0.2)
    with contextlib.ExitStack() as held:
        for process in (first, second, first, second):
            take_slot(held, process, policy)
        for process in (first, second):
            with pytest.raises(MetadataError) as caught:
                take_slot(held, process, policy)
            assert "already reading 4 pages" in caught.value.message
    with contextlib.ExitStack() as held:  # given back: all four are free again
        for process in (second, second, first, first):
            take_slot(held, process, policy)
    assert redis.Redis.from_url(redis_url).zcard("ogstore:fetch:shop.example:slots") == 0


def test_processes_share_one_token_bucket(shop, redis_url, monkeypatch):
    monkeypatch.setattr(fetch_module, "_shared_limiters", {})
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    policy = FetchPolicy(limits_redis_url=redis_url, host_burst=3, host_rate=0.1, rate_wait=0)
    codes = []
    for process in two_processes(redis_url) * 2:  # each fetch from the other process
        fetch_module._shared_limiters[redis_url] = process
        codes.append(fetch_code("http://shop.example/", policy))
    assert codes == ["ok", "ok", "ok", "rate_limited"]
    assert len(shop.requests) == 3
    bucket_ttl = redis.Redis.from_url(redis_url).ttl("ogstore:fetch:shop.example:bucket")
    assert 0 < bucket_ttl <= 31  # three tokens at 0.1 a second, then the key goes


def test_a_dead_process_gives_its_slots_back_after_its_deadline(redis_url):
    dead, alive = two_processes(redis_url)
    policy = FetchPolicy(limits_redis_url=redis_url, max_per_host=1, rate_wait=0, total_timeout=0.2)
    abandoned = dead.slot("shop.example", policy, fetch_module._Guard(policy))
    abandoned.__enter__()  # and never left: the process died holding it
    with pytest.raises(MetadataError), contextlib.ExitStack() as held:
        take_slot(held, alive, policy)
    time.sleep(0.2 + RedisHostLimiter._HOLD_MARGIN + 0.1)
    with contextlib.ExitStack() as held:
        take_slot(held, alive, policy)


def test_without_redis_the_limits_count_in_the_process(shop, monkeypatch, caplog):
    """An unreachable Redis costs no fetch: the process counts, and says so once."""
    monkeypatch.setattr(fetch_module, "_shared_limiters", {})
    shop.routes["/"] = lambda h: h.reply(200, PAGE)
    down = "redis://127.0.0.1:9/0"  # the discard port: nothing listens
    policy = FetchPolicy(limits_redis_url=down, host_burst=2, host_rate=0.1, rate_wait=0)
    with caplog.at_level(logging.WARNING):
        codes = [fetch_code("http://shop.example/", policy) for _ in range(3)]
    assert codes == ["ok", "ok", "rate_limited"]
    assert len(shop.requests) == 2
    warnings = [r.getMessage() for r in caplog.records if r.name.endswith(".limits")]
    assert len(warnings) == 1 and warnings[0].startswith("fetch limits: Redis unavailable")


def test_the_app_counts_fetch_limits_in_its_redis(app_factory, redis_url):
    with app_factory(OGSTORE_REDIS_URL=redis_url).app_context():
        assert fetch_policy().limits_redis_url == redis_url
    with app_factory().app_context():
        assert fetch_policy().limits_redis_url is None
