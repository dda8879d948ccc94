"""Server-rendered SVG charts of the stats pages: views per day (bars) and audience retention (a line).

Plain strings with escaped text, no JavaScript; each chart is an ``role="img"`` with a
label that says what it shows, and a ``<title>`` per bar or point for hover.
"""

from __future__ import annotations

import datetime as dt
from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 40, 20, 12, 28
INK, GRID, BAR = "#4B5563", "#E5E7EB", "#4F46E5"


def _nice_max(value: int) -> int:
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        if value <= step * 4:
            return step * 4
    return value


def _frame(label: str, body: list[str], top: int, suffix: str = "") -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    lines = []
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        value = round(top * i / 4)
        lines.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="{GRID}"/>')
        lines.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11" fill="{INK}">{value}{suffix}</text>'
        )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(label)}" class="chart" font-family="system-ui, sans-serif">'
        + "".join(lines)
        + "".join(body)
        + "</svg>"
    )


def views_per_day_svg(days: list[dict], *, until: dt.date, span: int = 30) -> str:
    """Bars of ``views`` for the ``span`` days ending ``until`` (days without views are zero)."""
    by_day = {d["date"]: d["views"] for d in days}
    dates = [until - dt.timedelta(days=span - 1 - i) for i in range(span)]
    values = [by_day.get(d.isoformat(), 0) for d in dates]
    top = _nice_max(max(values + [1]))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / span
    body = []
    for i, (date, value) in enumerate(zip(dates, values, strict=True)):
        h = plot_h * value / top
        x = LEFT + i * slot + slot * 0.15
        body.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" fill="{BAR}">'
            f"<title>{date.isoformat()}: {value} view{'s' if value != 1 else ''}</title></rect>"
        )
        if (i % 7 == 0 and i < span - 4) or i == span - 1:
            body.append(
                f'<text x="{x + slot * 0.35:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" '
                f'fill="{INK}">{date.strftime("%b %d")}</text>'
            )
    total = sum(values)
    return _frame(f"Views per day, last {span} days: {total} in all", body, top)


def retention_svg(retention: list[dict]) -> str:
    """The share of plays still watching at 0, 25, 50, 75 and 100 % of the video."""
    plays = retention[0]["viewers"] if retention else 0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    points = []
    for point in retention:
        share = point["viewers"] / plays if plays else 0.0
        points.append((LEFT + plot_w * point["percent"] / 100, TOP + plot_h * (1 - share), point, share))
    path = " ".join(f"{x:.1f},{y:.1f}" for x, y, _, _ in points)
    body = [f'<polyline points="{path}" fill="none" stroke="{BAR}" stroke-width="3"/>'] if points else []
    for x, y, point, share in points:
        body.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{BAR}"><title>{point["percent"]} % of the video: '
            f"{round(share * 100)} % of plays ({point['viewers']})</title></circle>"
        )
        body.append(
            f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="middle" font-size="11" fill="{INK}">{point["percent"]} %</text>'
        )
    summary = ", ".join(f"{p['percent']} %: {round(s * 100)} %" for _, _, p, s in points)
    return _frame(f"Audience retention (share of plays still watching): {summary}", body, 100, " %")
