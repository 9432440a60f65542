"""Sign-up and login pages, the links they mail, and the link a merchant asks for with its key."""

from flask import Blueprint, redirect, render_template, request, session, url_for

from plugin.accounts import services
from plugin.catalog import services as catalog
from plugin.errors import ApiError
from plugin.extensions import limiter

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
    session.clear()
    session[f"{kind}_id"] = subject_id
    return redirect(url_for(_DASHBOARDS[kind]))


@bp.post("/api/v1/merchants/me/login-link")
def merchant_login_link():
    """A one-time link to the merchant dashboard, for the holder of the API key."""
    merchant = catalog.merchant_for_key(request.headers.get("Authorization"))
    token = services.login_token("merchant", merchant.id)
    return {"url": url_for("accounts.login", token=token, _external=True)}
