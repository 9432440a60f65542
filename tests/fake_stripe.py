"""A local fake of the few Stripe API endpoints ogstore calls, recording every request.

The real ``stripe`` library talks to it (its API base pointed here), so tests
see exactly the parameters, headers and idempotency keys the library sends.
"""

import itertools
import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qsl


@dataclass
class StripeRequest:
    method: str
    path: str
    headers: dict[str, str]
    params: dict[str, str]  # form fields as Stripe encodes them: "line_items[0][quantity]"


@dataclass
class FakeStripe:
    url: str = ""
    requests: list[StripeRequest] = field(default_factory=list)
    fail_with: tuple[int, dict] | None = None  # (status, error body) for the next requests

    def objects(self, path: str, params: dict) -> dict:
        number = next(_ids)
        if path == "/v1/checkout/sessions":
            embedded = params.get("ui_mode") == "embedded"
            return {
                "id": f"cs_test_{number}",
                "object": "checkout.session",
                "ui_mode": "embedded" if embedded else "hosted",
                "url": None if embedded else f"https://checkout.stripe.test/c/pay/cs_test_{number}",
                "client_secret": f"cs_test_{number}_secret_fake" if embedded else None,
                "status": "open",
                "payment_status": "unpaid",
                "client_reference_id": params.get("client_reference_id"),
            }
        if path == "/v1/accounts":
            return {"id": f"acct_test_{number}", "object": "account", "type": params.get("type")}
        if path == "/v1/account_links":
            return {
                "object": "account_link",
                "url": f"https://connect.stripe.test/setup/e/{params.get('account')}/{number}",
            }
        if path == "/v1/transfers":
            return {
                "id": f"tr_test_{number}",
                "object": "transfer",
                "amount": int(params["amount"]),
            }
        return {"error": {"type": "invalid_request_error", "message": f"No such path {path}"}}


_ids = itertools.count(1)


def serve_fake_stripe() -> tuple[FakeStripe, ThreadingHTTPServer]:
    fake = FakeStripe()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            params = dict(parse_qsl(self.rfile.read(length).decode(), keep_blank_values=True))
            fake.requests.append(StripeRequest("POST", self.path, dict(self.headers), params))
            status, body = fake.fail_with or (200, fake.objects(self.path, params))
            if "error" in body and fake.fail_with is None:
                status = 404
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Request-Id", "req_fake")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    fake.url = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return fake, server
