"""The oEmbed iframe speaks WordPress's wp-embed protocol, sandboxed, in a real browser."""

import pytest

pytestmark = pytest.mark.browser

SECRET = "s3cret42"
HOST_PAGE = """<!doctype html><html><head><meta charset="utf-8"><title>A WordPress post</title>
<script>
  window.__messages = [];
  window.addEventListener("message", (e) => {
    const frame = document.getElementById("card");
    const fromFrame = e.source === frame.contentWindow;
    window.__messages.push({origin: e.origin, fromFrame, data: e.data});
  });
</script></head><body>
<p>Look what I found:</p>
<iframe id="card" class="wp-embedded-content" sandbox="allow-scripts" security="restricted"
        src="%(src)s" width="480" height="240" title="card"></iframe>
</body></html>"""


def messages(page, kind: str) -> list[dict]:
    return [m for m in page.evaluate("window.__messages") if m["data"].get("message") == kind]


def test_height_and_link_messages_carry_the_secret_from_a_sandbox(
    demo, live_server, blog_server, context
):
    src = f"{live_server}/c/trail-lena/embed#?secret={SECRET}"
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(blog_server(HOST_PAGE % {"src": src}, path="/wp-post"))

    page.wait_for_function("window.__messages.some(m => m.data.message === 'height')")
    page.wait_for_load_state("load")
    heights = messages(page, "height")
    for height in heights:  # none of them, not even the first, before the iframe has a width
        assert height["origin"] == "null"  # sandboxed without allow-same-origin: opaque
        assert height["fromFrame"] is True
        assert height["data"]["secret"] == SECRET and 60 < height["data"]["value"] < 1000

    # WordPress says "ready"; the embed answers with its height again.
    count = len(messages(page, "height"))
    post = (
        "([m, s]) => document.getElementById('card')"
        ".contentWindow.postMessage({message: m, secret: s}, '*')"
    )
    page.evaluate(post, ["ready", SECRET])
    page.wait_for_function(
        f"window.__messages.filter(m => m.data.message === 'height').length > {count}"
    )

    # A click on the card asks the host to navigate, to the card on ogstore's own host.
    page.frame_locator("#card").locator("a").first.click()
    page.wait_for_function("window.__messages.some(m => m.data.message === 'link')")
    [link] = messages(page, "link")
    assert link["data"] == {
        "message": "link",
        "value": f"{live_server}/c/trail-lena",
        "secret": SECRET,
    }
    assert page.url.endswith("/wp-post")  # the embed itself never navigates the host
    assert errors == []


def test_without_a_secret_the_embed_stays_silent(demo, live_server, blog_server, context):
    page = context.new_page()
    page.goto(blog_server(HOST_PAGE % {"src": f"{live_server}/c/trail-lena/embed"}, path="/quiet"))
    page.frame_locator("#card").locator("a").first.wait_for()
    page.wait_for_timeout(300)
    assert page.evaluate("window.__messages") == []


def test_no_height_is_sent_while_the_iframe_has_no_width(demo, live_server, blog_server, context):
    """A zero-width frame wraps every word: its height would flash a page-tall iframe."""
    src = f"{live_server}/c/trail-lena/embed#?secret={SECRET}"
    host = (HOST_PAGE % {"src": src}).replace('width="480"', 'style="width:0"')
    page = context.new_page()
    page.goto(blog_server(host, path="/narrow"))
    page.frame_locator("#card").locator("a").first.wait_for()
    page.wait_for_timeout(300)
    assert messages(page, "height") == []

    page.evaluate("document.getElementById('card').style.width = '480px'")
    page.wait_for_function("window.__messages.some(m => m.data.message === 'height')")
    assert all(60 < height["data"]["value"] < 1000 for height in messages(page, "height"))
