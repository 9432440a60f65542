"""The ``ogstore`` command: Flask's own commands (run, db, shell) plus ogstore's."""

import csv
import json
import sys
from pathlib import Path

import click
from flask.cli import FlaskGroup, with_appcontext

from plugin import create_app, metadata, money
from plugin.config import fetch_allow_from_env


@click.group(cls=FlaskGroup, create_app=create_app)
def main() -> None:
    """ogstore: sell any Open Graph product where people already are."""


@main.command("extract")
@click.argument("url", required=False)
@click.option(
    "--html",
    "html_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Read this saved page instead of fetching one.",
)
@click.option("--url", "page_url", help="With --html: the address the page was saved from.")
def extract_command(url: str | None, html_file: Path | None, page_url: str | None) -> None:
    """Print the product JSON of the page at URL, fetched safely (or of a saved --html page)."""
    if (html_file is None) == (url is None) or (html_file is not None) != (page_url is not None):
        raise click.UsageError("Give a URL, or --html FILE with --url PAGE_URL.")
    try:
        if html_file is not None:
            product = metadata.extract(html_file.read_bytes(), page_url)
        else:
            policy = metadata.FetchPolicy.from_allow_string(fetch_allow_from_env())
            product = metadata.fetch_product(url, policy)
    except metadata.MetadataError as error:
        click.echo(f"error: {error.code}: {error.message}", err=True)
        sys.exit(1)
    click.echo(json.dumps(product.to_dict(), indent=2, ensure_ascii=False))


@main.command("validate")
@click.argument("url")
@with_appcontext
def validate_command(url: str) -> None:
    """Check a product page's tags; print the findings and the tags to paste (exit 1 on errors)."""
    from plugin.catalog.services import validation_report
    from plugin.errors import ApiError

    try:
        report = validation_report(url)
    except ApiError as error:
        click.echo(f"error: {error.code}: {error.message}", err=True)
        sys.exit(1)
    for finding in report["findings"]:
        click.echo(
            f"{finding['level']:<8}{finding['field']:<26}{finding['message']} [{finding['source']}]"
        )
    click.echo(f"\n{report['errors']} errors, {report['warnings']} warnings\n")
    click.echo(report["suggested_tags"])
    sys.exit(1 if report["errors"] else 0)


@main.group("demo")
def demo_group() -> None:
    """The demo merchant, sharer and card that make the whole flow visible offline."""


@demo_group.command("seed")
@click.option(
    "--base-url",
    default="http://127.0.0.1:5000",
    show_default=True,
    help="Where the app will be served; the demo products live under it.",
)
@with_appcontext
def demo_seed_command(base_url: str) -> None:
    """Create (or refresh) the demo data and print the URLs to open."""
    from plugin.demo.seed import seed_demo

    for label, url in seed_demo(base_url.rstrip("/")).items():
        click.echo(f"  {label:<22} {url}")


@main.group("payouts")
def payouts_group() -> None:
    """Paying sharers what they have earned."""


@payouts_group.command("create")
@with_appcontext
def payouts_create_command() -> None:
    """Approve commissions past their refund window, pay approved balances, print CSV."""
    from plugin.checkout.ledger import create_payouts
    from plugin.sharing.services import handles

    payouts = create_payouts()
    names = handles({payout.sharer_id for payout in payouts})
    out = csv.writer(sys.stdout)
    out.writerow(["payout_id", "sharer", "currency", "amount"])
    for payout in payouts:
        amount = money.major_str(payout.amount_minor, payout.currency)
        out.writerow([payout.id, names[payout.sharer_id], payout.currency, amount])
