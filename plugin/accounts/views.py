"""Sign-up and login pages, the links they mail, and the link a merchant asks for with its key."""

from flask import Blueprint, redirect, render_template, request, url_for

from plugin.accounts import services
from plugin.catalog import services as catalog
from plugin.errors import ApiError
from plugin.extensions import limiter
from plugin.sharing import services as sharing

bp = Blueprint("accounts", __name__, template_folder="templates")

_DASHBOARDS = {"sharer": "dashboards.sharer_dashboard", "merchant": "dashboards.merchant_dashboard"}


# Each form that sends mail: a stranger must not turn ogstore into a mail cannon.
_MAIL_LIMIT = "5 per minute; 20 per hour"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_MAIL_LIMIT, methods=["POST"])
def login_form():
    sent = request.method == "POST"
    if sent:
        services.mail_sharer_link(request.form.get("email"))
    return render_template("accounts/login.html", sent=sent)


@bp.route("/signup", methods=["GET", "POST"])
@limiter.limit(_MAIL_LIMIT, methods=["POST"])
def signup_form():
    """A sharer's account from a handle and an address; the first login link is mailed."""
    if request.method == "GET":
        return render_template("accounts/signup.html")
    form = {"handle": request.form.get("handle", ""), "email": request.form.get("email", "")}
    try:
        services.sign_up_sharer(form["handle"], form["email"])
    except ApiError as error:
        page = render_template("accounts/signup.html", form=form, error=error.message)
        return page, error.status
    return render_template("accounts/signup.html", sent=True)


@bp.get("/login/<token>")
def login(token: str):
    kind, subject_id = services.log_in(token)
    services.sign_in(kind, subject_id)
    if kind == "sharer" and not sharing.cards_of(sharing.get_sharer(subject_id)):
        return redirect(url_for("sharing.share"))  # nothing to count yet: make a first card
    return redirect(url_for(_DASHBOARDS[kind]))


@bp.route("/sell", methods=["GET", "POST"])
@limiter.limit("20 per hour", methods=["POST"])
def sell():
    """A shop's way in: its address, then the tag that proves the domain, then its key.

    The claim travels in the form, to the one browser that started; the page only
    ever shows its hash. Verified, the browser is logged in to the merchant dashboard.
    """
    if request.method == "GET":
        return render_template("accounts/sell.html", csrf_token=services.csrf_token())
    url, claim = request.form.get("url", "").strip(), request.form.get("claim", "")
    step = {"url": url, "domain": catalog.domain_of(url), "claim": claim}
    step["csrf_token"] = services.csrf_token()
    status = 200
    try:
        services.check_csrf(request.form.get("csrf_token"))
        if claim:
            merchant, step["api_key"] = catalog.verify_merchant_at(url, claim)
            services.sign_in("merchant", merchant.id)
        else:
            catalog.merchant_for_url(url)
            step["claim"] = catalog.new_claim()
    except ApiError as error:
        step["error"], status = error.message, error.status
    if step["claim"]:
        step["verification_meta"] = catalog.verification_meta(step["claim"])
    # A claim or a key is on this page: no cache may keep it.
    return render_template("accounts/sell.html", **step), status, {"Cache-Control": "no-store"}


@bp.post("/api/v1/merchants/me/login-link")
def merchant_login_link():
    """A one-time link to the merchant dashboard, for the holder of the API key."""
    merchant = catalog.merchant_for_key(request.headers.get("Authorization"))
    token = services.login_token("merchant", merchant.id)
    return {"url": url_for("accounts.login", token=token, _external=True)}
