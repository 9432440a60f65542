"""ogstore: sell any Open Graph product where people already are.

``create_app`` builds the Flask service; ``plugin.metadata`` reads product
pages and works without Flask, as a library and from the CLI.
"""

from pathlib import Path

from flask import Flask, render_template
from jinja2 import ChoiceLoader, PackageLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from plugin.config import settings_from_env
from plugin.errors import register_error_handlers
from plugin.extensions import cache, db, limiter, migrate
from plugin.web import allow_any_origin

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config: dict | None = None) -> Flask:
    """The app factory: settings from the environment, then ``test_config`` over them."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(settings_from_env(app.instance_path))
    if test_config:
        app.config.update(test_config)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if hops := app.config["OGSTORE_PROXY_HOPS"]:  # client address, scheme and host as sent
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.jinja_loader = ChoiceLoader([app.jinja_loader, PackageLoader("widgets")])

    db.init_app(app)
    migrate.init_app(app, db)
    cache.init_app(app)
    limiter.init_app(app)
    register_error_handlers(app)
    app.after_request(allow_any_origin)
    _register_blueprints(app)

    @app.get("/")
    def index():
        return render_template("index.html")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


def _register_blueprints(app: Flask) -> None:
    from plugin.accounts.views import bp as accounts_bp
    from plugin.catalog.views import bp as catalog_bp
    from plugin.checkout.views import bp as checkout_bp
    from plugin.dashboards.views import bp as dashboards_bp
    from plugin.sharing.views import bp as sharing_bp

    for blueprint in (accounts_bp, catalog_bp, sharing_bp, checkout_bp, dashboards_bp):
        app.register_blueprint(blueprint)
    if app.config["OGSTORE_DEMO"]:
        from plugin.demo.views import bp as demo_bp

        app.register_blueprint(demo_bp)
