"""Inline SVG charts of a tension series, drawn without a plotting library: the timeline with
its 95 % band, and the small panels of the pairs of actors. Time is drawn to scale (a period
without documents leaves a gap); every point carries its numbers in ``data-`` attributes and a
``<title>``, so that it can be read, tested and focused without the picture.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, timedelta
from html import escape
from typing import Sequence

from .content import Point

MAX_AXIS = 400
"""Beyond this many periods from first to last, only the periods with documents are drawn."""


def _next_period(period: str, by: str) -> str:
    if by == "year":
        return str(int(period) + 1)
    if by == "quarter":
        year, q = int(period[:4]), int(period[6:])
        return f"{year + q // 4}-Q{q % 4 + 1}"
    if by == "month":
        year, month = int(period[:4]), int(period[5:7])
        return f"{year + month // 12}-{month % 12 + 1:02d}"
    return (date.fromisoformat(period) + timedelta(days=1)).isoformat()


def period_axis(periods: Sequence[str], by: str) -> list[str]:
    """Every period from the first to the last of ``periods`` (sorted), so that gaps show; the
    given periods alone when the range is longer than :data:`MAX_AXIS` or not understood."""
    observed = sorted(set(periods))
    if len(observed) < 2:
        return observed
    axis = [observed[0]]
    try:
        while axis[-1] < observed[-1] and len(axis) <= MAX_AXIS:
            axis.append(_next_period(axis[-1], by))
    except ValueError:
        return observed
    return axis if axis[-1] == observed[-1] and set(observed) <= set(axis) else observed


def y_range(points: Sequence[Point]) -> tuple[float, float]:
    """A tension range in whole units holding every point and its interval, and at least -1..+1."""
    values = [v for p in points for v in (p.tension, p.low, p.high) if math.isfinite(v)]
    return float(math.floor(min(values + [-1.0]))), float(math.ceil(max(values + [1.0])))


@dataclass(frozen=True)
class Frame:
    """Where a chart's plot area lies inside its SVG, and how values map into it."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float
    n: int
    lo: float
    hi: float

    def x(self, i: int) -> float:
        span = self.width - self.left - self.right
        return self.left + (span / 2 if self.n == 1 else span * i / (self.n - 1))

    def y(self, v: float) -> float:
        plot = self.height - self.top - self.bottom
        return self.top + plot * (self.hi - v) / (self.hi - self.lo)


def _num(v: float) -> str:
    return f"{v:.1f}"


def _runs(indices: list[int]) -> list[list[int]]:
    """Consecutive runs of axis positions: a line or band is not drawn across a gap."""
    runs: list[list[int]] = []
    for i in indices:
        if runs and i == runs[-1][-1] + 1:
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _band(frame: Frame, at: dict[int, Point]) -> str:
    ok = [i for i, p in sorted(at.items()) if math.isfinite(p.low) and math.isfinite(p.high)]
    out = []
    for run in _runs(ok):
        if len(run) == 1:  # a lone period: its interval as a bar
            i = run[0]
            out.append(f'<rect class="band" x="{_num(frame.x(i) - 4)}" y="{_num(frame.y(at[i].high))}" '
                       f'width="8" height="{_num(frame.y(at[i].low) - frame.y(at[i].high))}"/>')
            continue
        upper = [f"{_num(frame.x(i))},{_num(frame.y(at[i].high))}" for i in run]
        lower = [f"{_num(frame.x(i))},{_num(frame.y(at[i].low))}" for i in reversed(run)]
        out.append(f'<polygon class="band" points="{" ".join(upper + lower)}"/>')
    return "".join(out)


def _line(frame: Frame, at: dict[int, Point]) -> str:
    out = []
    for run in _runs(sorted(at)):
        if len(run) > 1:
            pts = " ".join(f"{_num(frame.x(i))},{_num(frame.y(at[i].tension))}" for i in run)
            out.append(f'<polyline class="line" points="{pts}"/>')
    return "".join(out)


def point_title(p: Point) -> str:
    """What a point says in words: period, tension, interval and counts."""
    reprints = getattr(p, "duplicates", 0)
    dups = f", {reprints} reprint{'s' * (reprints != 1)} merged" if reprints else ""
    return (f"{p.period}: tension {p.tension:+.2f} (95 % interval {p.low:+.2f} to {p.high:+.2f}), "
            f"{p.documents} document{'s' * (p.documents != 1)}, {p.sentences} sentences{dups}")


def _points(frame: Frame, at: dict[int, Point]) -> str:
    return "".join(
        f'<circle class="pt" cx="{_num(frame.x(i))}" cy="{_num(frame.y(p.tension))}" r="4.5" '
        f'tabindex="0" data-period="{escape(p.period)}" data-tension="{p.tension!r}" '
        f'data-low="{p.low!r}" data-high="{p.high!r}" data-documents="{p.documents}" '
        f'data-sentences="{p.sentences}" data-duplicates="{getattr(p, "duplicates", 0)}">'
        f"<title>{escape(point_title(p))}</title></circle>" for i, p in sorted(at.items()))


def _y_axis(frame: Frame, compact: bool) -> str:
    step = 1 if frame.hi - frame.lo <= 6 else 2
    out = [f'<rect class="hot" x="{frame.left}" y="{frame.top}" width="{frame.width - frame.left - frame.right}" '
           f'height="{_num(frame.y(0) - frame.top)}"/>']
    for v in range(int(frame.lo), int(frame.hi) + 1):
        if v % step:
            continue
        y = _num(frame.y(v))
        out.append(f'<line class="{"zero" if v == 0 else "grid"}" x1="{frame.left}" x2="{frame.width - frame.right}" '
                   f'y1="{y}" y2="{y}"/><text class="tick" x="{frame.left - 6}" y="{y}" dy="0.32em" '
                   f'text-anchor="end">{"0" if v == 0 else f"{v:+d}"}</text>')
    if not compact:
        out.append(f'<text class="axis" x="{frame.left + 6}" y="{frame.top + 14}">▲ more hostile</text>'
                   f'<text class="axis" x="{frame.left + 6}" y="{frame.height - frame.bottom - 8}">'
                   "▼ more conciliatory</text>")
    return "".join(out)


def _x_axis(frame: Frame, axis: list[str], compact: bool) -> str:
    room = 70 if not compact else 90
    every = max(1, math.ceil(len(axis) * room / max(frame.width - frame.left - frame.right, 1)))
    y = frame.height - frame.bottom + 16
    shown = [i for i in range(len(axis)) if i % every == 0 or i == len(axis) - 1]
    if len(shown) > 1 and shown[-1] - shown[-2] < every:
        shown.pop(-2)
    return "".join(f'<text class="tick" x="{_num(frame.x(i))}" y="{y}" text-anchor="middle">'
                   f"{escape(axis[i])}</text>" for i in shown)


def _counts(frame: Frame, at: dict[int, Point]) -> str:
    """Documents per period as small bars under the axis: a thin period is visibly thin."""
    most = max((p.documents for p in at.values()), default=1) or 1
    base = frame.height - 4
    out = [f'<text class="axis" x="{frame.left - 6}" y="{base}" text-anchor="end">docs</text>']
    numbers = len(at) <= 40  # a figure beside each bar while they have room
    for i, p in sorted(at.items()):
        h = 3 + 15 * p.documents / most
        out.append(f'<rect class="count" x="{_num(frame.x(i) - 3)}" y="{_num(base - h)}" width="6" '
                   f'height="{_num(h)}"/>' + (f'<text class="tick" x="{_num(frame.x(i) + 6)}" '
                                              f'y="{_num(base)}">{p.documents}</text>' if numbers else ""))
    return "".join(out)


def timeline_svg(points: Sequence[Point], axis: Sequence[str], title: str, *,
                 width: int = 880, height: int = 320, bounds: tuple[float, float] | None = None,
                 compact: bool = False) -> str:
    """The tension of ``points`` over the periods of ``axis`` (see :func:`period_axis`): the
    mean as a line, the 95 % interval as a band, a focusable dot per period and, unless
    ``compact``, the number of documents per period under the axis. ``title`` is the chart's
    accessible name; ``bounds`` fixes the tension range (to compare panels)."""
    axis = list(axis)
    pos = {period: i for i, period in enumerate(axis)}
    at = {pos[p.period]: p for p in points if p.period in pos}
    lo, hi = bounds or y_range(points)
    frame = Frame(width, height, 34 if compact else 44, 24 if compact else 30, 8 if compact else 10,
                  24 if compact else 52, len(axis), lo, hi)
    desc = "; ".join(point_title(p) for p in points[:60])
    body = (_y_axis(frame, compact) + _band(frame, at) + _line(frame, at) + _points(frame, at)
            + _x_axis(frame, axis, compact) + ("" if compact else _counts(frame, at)))
    return (f'<svg class="chart{" small" if compact else ""}" viewBox="0 0 {width} {height}" '
            f'role="group" aria-label="{escape(title)}"><title>{escape(title)}</title>'
            f"<desc>{escape(desc)}</desc>{body}</svg>")
