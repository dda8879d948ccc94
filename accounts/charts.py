"""Daily bar charts as plain geometry for a server-rendered SVG (no JavaScript, no library):
pure, no ORM, so the overview's template only draws what this computes."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date

from django.template.defaultfilters import filesizeformat

WIDTH = 600
HEIGHT = 150
LEFT = 52  # room for the value labels
BOTTOM = 20  # room for the date labels
TOP = 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    title: str  # "2026-11-25: 3 renders", the bar's tooltip and accessible text


@dataclass(frozen=True)
class Tick:
    position: float
    label: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    left: int
    baseline: float
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    summary: str


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 × 10ⁿ at or above ``value`` (1 for nothing), the top of the scale."""
    if value <= 0:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    return next(step * magnitude for step in (1, 2, 5, 10) if step * magnitude >= value)


def scale_top(peak: float, unit: str) -> float:
    """The scale's top: a round number of the unit people read (KB, MB, GB for bytes)."""
    if unit != "bytes":
        return nice_ceiling(peak)
    if peak < 1024:
        return 1024
    step = 1024 ** min(4, int(math.log(peak, 1024)))
    return nice_ceiling(peak / step) * step


def format_value(value: float, unit: str) -> str:
    if unit == "bytes":
        return str(filesizeformat(value)).replace("\xa0", " ")
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def bar_chart(days: list[date], values: list[int], *, unit: str, noun: str) -> Chart:
    """One bar per day; the scale's top is a round number, with a mid tick."""
    top = scale_top(max(values, default=0), unit)
    plot_width = WIDTH - LEFT
    plot_height = HEIGHT - BOTTOM - TOP
    baseline = HEIGHT - BOTTOM
    slot = plot_width / max(len(days), 1)
    gap = min(2.0, slot * 0.2)
    bars = []
    for index, (day, value) in enumerate(zip(days, values, strict=True)):
        height = plot_height * value / top
        bars.append(
            Bar(
                x=round(LEFT + index * slot + gap / 2, 2),
                y=round(baseline - height, 2),
                width=round(slot - gap, 2),
                height=round(height, 2),
                title=f"{day.isoformat()}: {format_value(value, unit)} {noun}",
            )
        )
    y_ticks = [Tick(round(baseline - plot_height * f, 2), format_value(top * f, unit)) for f in (0, 0.5, 1)]
    every = max(1, len(days) // 5)
    x_ticks = [
        Tick(round(LEFT + (i + 0.5) * slot, 2), f"{day:%b} {day.day}") for i, day in enumerate(days) if i % every == 0
    ]
    peak = max(values, default=0)
    summary = (
        f"{noun.capitalize()} per day from {days[0].isoformat()} to {days[-1].isoformat()}: "
        f"highest {format_value(peak, unit)}"
        if days
        else f"No {noun}"
    )
    return Chart(WIDTH, HEIGHT, LEFT, baseline, bars, y_ticks, x_ticks, summary)
