"""Chart geometry for the dashboards: plain numbers in, shapes and words out.

The templates draw these as inline SVG (``templates/dashboards/charts.html``):
no JavaScript, no external requests. Every chart carries its own words — a
``title`` and a ``desc`` for screen readers, a ``<title>`` per bar for pointer
hovers, and ``rows`` for the visually hidden data table next to it. Text is
escaped by Jinja like any other text on the page.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

# A daily chart's drawing box (SVG user units; the SVG scales to its column).
DAILY_WIDTH, DAILY_HEIGHT = 320, 132
DAILY_LEFT, DAILY_RIGHT, DAILY_TOP, DAILY_BOTTOM = 2, 2, 20, 110
# A funnel's drawing box (``width`` varies: the big one, and one per card).
FUNNEL_WIDTH, FUNNEL_ROW, FUNNEL_LABEL, FUNNEL_VALUE = 640, 34, 130, 170


def days_ending(today: date, days: int) -> list[str]:
    """The ``days`` ISO dates ending with ``today``, oldest first."""
    return [(today - timedelta(days=n)).isoformat() for n in range(days - 1, -1, -1)]


def _plural(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def count_text(noun: str) -> Callable[[int], str]:
    """A formatter for counts: ``count_text("sale")(2)`` is ``"2 sales"``."""
    return lambda n: _plural(n, noun)


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    day: str
    value: int
    text: str  # e.g. "2024-05-01: 3 unique clicks"


@dataclass(frozen=True)
class DailyChart:
    id: str
    title: str
    desc: str
    total_text: str
    bars: list[Bar]
    max_text: str  # the top of the scale, as words
    first_day: str
    last_day: str
    rows: list[tuple[str, str]]  # (day, value as text) for the data table
    width: int = DAILY_WIDTH
    height: int = DAILY_HEIGHT
    left: int = DAILY_LEFT
    right: int = DAILY_WIDTH - DAILY_RIGHT
    top: int = DAILY_TOP
    bottom: int = DAILY_BOTTOM


def daily_chart(
    chart_id: str,
    title: str,
    days: list[str],
    values: dict[str, int],
    fmt: Callable[[int], str],
) -> DailyChart:
    """Bars for ``values`` (by ISO day) over ``days``; ``fmt`` words a value.

    Negative days (a refund booked) draw as empty bars; the words keep the sign.
    """
    series = [values.get(day, 0) for day in days]
    top = max([*series, 0])
    total = sum(series)
    slot = (DAILY_WIDTH - DAILY_RIGHT - DAILY_LEFT) / max(len(days), 1)
    plot = DAILY_BOTTOM - DAILY_TOP
    bars = []
    for index, (day, value) in enumerate(zip(days, series, strict=True)):
        height = plot * value / top if top and value > 0 else 0
        bars.append(
            Bar(
                x=round(DAILY_LEFT + index * slot + slot * 0.15, 2),
                y=round(DAILY_BOTTOM - height, 2),
                width=round(slot * 0.7, 2),
                height=round(height, 2),
                day=day,
                value=value,
                text=f"{day}: {fmt(value)}",
            )
        )
    if any(series):
        best = max(range(len(series)), key=lambda i: (series[i], i))
        desc = (
            f"{title} per day, {days[0]} to {days[-1]} (UTC): {fmt(total)} in all; "
            f"today {fmt(series[-1])}; most on {days[best]} with {fmt(series[best])}."
        )
    else:
        desc = f"{title} per day, {days[0]} to {days[-1]} (UTC): none yet."
    return DailyChart(
        id=chart_id,
        title=title,
        desc=desc,
        total_text=fmt(total),
        bars=bars,
        max_text=fmt(top),
        first_day=days[0],
        last_day=days[-1],
        rows=[(day, fmt(value)) for day, value in zip(days, series, strict=True)],
    )


@dataclass(frozen=True)
class FunnelStep:
    label: str
    value: int
    width: float  # of the bar, in SVG units
    text: str  # the value, with its rate from the step before when that means something
    y: float


@dataclass(frozen=True)
class Funnel:
    id: str
    title: str
    desc: str
    steps: list[FunnelStep]
    earnings_text: str
    earnings_y: float
    height: float
    width: int = FUNNEL_WIDTH
    label_width: int = FUNNEL_LABEL
    row: int = FUNNEL_ROW


# Steps whose rate from the step before is shown: checkouts of clicks, sales of checkouts.
# (Impressions are crawlers' visits, so clicks are not a share of them.)
_RATE_OF = {"Checkouts": "clicks", "Sales": "checkouts"}


def funnel(
    chart_id: str,
    title: str,
    steps: list[tuple[str, int]],
    earnings: str,
    width: int = FUNNEL_WIDTH,
) -> Funnel:
    """Impressions → unique clicks → checkouts → sales as bars, then the earnings in words."""
    top = max([value for _, value in steps] + [1])
    room = width - FUNNEL_LABEL - FUNNEL_VALUE
    shown, words = [], []
    previous = None
    for index, (label, value) in enumerate(steps):
        text = str(value)
        if label in _RATE_OF and previous:
            text += f" ({round(100 * value / previous)}% of {_RATE_OF[label]})"
        shown.append(
            FunnelStep(
                label=label,
                value=value,
                width=round(room * value / top, 2),
                text=text,
                y=index * FUNNEL_ROW,
            )
        )
        words.append(f"{label.lower()} {text}")
        previous = value
    return Funnel(
        id=chart_id,
        title=title,
        desc=", ".join(words).capitalize() + f", earnings {earnings}.",
        steps=shown,
        earnings_text=earnings,
        earnings_y=len(steps) * FUNNEL_ROW,
        height=(len(steps) + 1) * FUNNEL_ROW,
        width=width,
    )
