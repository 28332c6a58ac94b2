"""Small SVG charts drawn in Python for the HTML report: no library, nothing fetched.

Each function returns one `<svg>` element as text, sized in a fixed view box that scales
with the page. Missing values (`None`) are left out of a chart, never drawn as zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from html import escape

__all__ = ["bars", "hbars", "heatmap", "lines", "stacked"]

PALETTE = ("#0969da", "#bf8700", "#8250df", "#cf222e", "#1a7f37", "#57606a")
W, H = 560, 300
TICK = 11
"""Font size of axis labels and values, in view-box units (about pixels in a half-page panel)."""
DARK, LIGHT = "#1f2328", "#ffffff"
MAX_LABEL = 22
"""Characters of a bar label shown; a longer one ends in an ellipsis (the tooltip has it whole)."""
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 30, 58


def _svg(body: str, title: str, height: int = H) -> str:
    return (
        f"<svg viewBox='0 0 {W} {height}' width='100%' role=img aria-label='{escape(title)}' "
        f"xmlns='http://www.w3.org/2000/svg'><text x='{LEFT}' y='18' font-size='13' "
        f"font-weight='600'>{escape(title)}</text>{body}</svg>"
    )


def _nice(top: float) -> float:
    """A round number at or above `top` for an axis maximum."""
    if top <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(top))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= top:
            return float(step * power)
    return float(10 * power)


def _fmt(v: float) -> str:
    if v >= 1_000_000:
        return f"{v / 1_000_000:.1f}".removesuffix(".0") + "M"
    if v >= 1000:
        return f"{v / 1000:.1f}".removesuffix(".0") + "k"
    return f"{v:g}"


def _yaxis(top: float, plot_h: float, percent: bool = False) -> str:
    out = []
    for i in range(5):
        v = top * i / 4
        y = TOP + plot_h - plot_h * i / 4
        label = f"{v * 100:g}%" if percent else _fmt(v)
        out.append(
            f"<line x1='{LEFT}' x2='{W - RIGHT}' y1='{y:.1f}' y2='{y:.1f}' stroke='#eaeef2'/>"
            f"<text x='{LEFT - 6}' y='{y + 4:.1f}' font-size='{TICK}' text-anchor='end' "
            f"fill='#57606a'>{label}</text>"
        )
    return "".join(out)


def _xlabels(labels: Sequence[str], x0: float, step: float, plot_h: float) -> str:
    every = max(1, math.ceil(len(labels) / 14))
    out = []
    for i, label in enumerate(labels):
        if i % every:
            continue
        x = x0 + step * i
        y = TOP + plot_h + 14
        out.append(
            f"<text x='{x:.1f}' y='{y:.1f}' font-size='{TICK}' text-anchor='end' fill='#57606a' "
            f"transform='rotate(-35 {x:.1f} {y:.1f})'>{escape(label)}</text>"
        )
    return "".join(out)


def _legend(names: Sequence[str], colors: Sequence[str], y: float) -> str:
    out, x = [], float(LEFT)
    for name, color in zip(names, colors, strict=False):
        out.append(
            f"<rect x='{x:.0f}' y='{y - 9:.0f}' width='10' height='10' fill='{color}'/>"
            f"<text x='{x + 14:.0f}' y='{y:.0f}' font-size='11'>{escape(name)}</text>"
        )
        x += 24 + 6.5 * len(name)
    return "".join(out)


def bars(labels: Sequence[str], values: Sequence[int], *, title: str, y_label: str = "") -> str:
    """A bar chart of counts."""
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM
    top = _nice(max(values, default=0))
    step = plot_w / max(len(values), 1)
    out = [_yaxis(top, plot_h)]
    for i, v in enumerate(values):
        h = plot_h * v / top
        x = LEFT + step * i + step * 0.12
        out.append(
            f"<rect x='{x:.1f}' y='{TOP + plot_h - h:.1f}' width='{step * 0.76:.1f}' height='{h:.1f}' "
            f"fill='{PALETTE[0]}'><title>{escape(labels[i])}: {v:,} {escape(y_label)}</title></rect>"
        )
    out.append(_xlabels(labels, LEFT + step / 2, step, plot_h))
    return _svg("".join(out), title)


def stacked(
    labels: Sequence[str], series: Mapping[str, Sequence[int]], *, title: str, colors: Sequence[str] = PALETTE
) -> str:
    """Stacked bars (one per label) of several count series."""
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM - 14
    totals = [sum(s[i] for s in series.values()) for i in range(len(labels))]
    top = _nice(max(totals, default=0))
    step = plot_w / max(len(labels), 1)
    out = [_yaxis(top, plot_h)]
    for i, label in enumerate(labels):
        base = float(TOP + plot_h)
        for (name, values), color in zip(series.items(), colors, strict=False):
            h = plot_h * values[i] / top
            base -= h
            out.append(
                f"<rect x='{LEFT + step * i + step * 0.12:.1f}' y='{base:.1f}' width='{step * 0.76:.1f}' "
                f"height='{h:.1f}' fill='{color}'><title>{escape(label)} {escape(name)}: "
                f"{values[i]:,}</title></rect>"
            )
    out.append(_xlabels(labels, LEFT + step / 2, step, plot_h))
    out.append(_legend(list(series), colors, H - 6))
    return _svg("".join(out), title)


def lines(
    labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str, log: bool = False
) -> str:
    """Line series over labels (weeks); a log scale for durations that span decades."""
    plot_w, plot_h = W - LEFT - RIGHT, H - TOP - BOTTOM - 14
    values = [v for s in series.values() for v in s if v is not None and v > 0]
    if not values:
        return _svg(f"<text x='{LEFT}' y='{TOP + 40}' font-size='12' fill='#8c959f'>no data</text>", title)
    scale = _LogScale(values, plot_h) if log else _LinScale(values, plot_h)
    inset = 16  # the first point off the axis, so that its slanted label stays inside the chart
    step = (plot_w - 2 * inset) / max(len(labels) - 1, 1)
    x0 = LEFT + inset
    out = [scale.axis()]
    for (name, points), color in zip(series.items(), PALETTE, strict=False):
        xy = [(x0 + step * i, scale.y(v)) for i, v in enumerate(points) if v is not None and v > 0]
        if len(xy) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            out.append(f"<polyline points='{path}' fill='none' stroke='{color}' stroke-width='2'/>")
        out += [
            f"<circle cx='{x:.1f}' cy='{y:.1f}' r='3' fill='{color}'><title>{escape(name)}</title></circle>"
            for x, y in xy
        ]
    out.append(_xlabels(labels, x0, step, plot_h))
    out.append(_legend(list(series), PALETTE, H - 6))
    return _svg("".join(out), title)


class _LinScale:
    def __init__(self, values: Sequence[float], plot_h: float) -> None:
        self.top, self.h = _nice(max(values)), plot_h

    def y(self, v: float) -> float:
        return TOP + self.h - self.h * v / self.top

    def axis(self) -> str:
        return _yaxis(self.top, self.h)


class _LogScale:
    def __init__(self, values: Sequence[float], plot_h: float) -> None:
        self.lo = math.floor(math.log10(min(values)))
        self.hi = max(math.ceil(math.log10(max(values))), self.lo + 1)
        self.h = plot_h

    def y(self, v: float) -> float:
        return TOP + self.h - self.h * (math.log10(v) - self.lo) / (self.hi - self.lo)

    def axis(self) -> str:
        out = []
        for p in range(self.lo, self.hi + 1):
            y = self.y(10.0**p)
            out.append(
                f"<line x1='{LEFT}' x2='{W - RIGHT}' y1='{y:.1f}' y2='{y:.1f}' stroke='#eaeef2'/>"
                f"<text x='{LEFT - 6}' y='{y + 4:.1f}' font-size='{TICK}' text-anchor='end' "
                f"fill='#57606a'>{10.0**p:g}</text>"
            )
        return "".join(out)


def hbars(
    labels: Sequence[str], series: Mapping[str, Sequence[float | None]], *, title: str, percent: bool
) -> str:
    """Grouped horizontal bars, one group per label (shares as percentages, or counts).

    A group with no value at all shows one "no data" note instead of a bar per series.
    """
    left = 156
    group = 15 * len(series) + 10
    height = TOP + group * max(len(labels), 1) + 40
    values = [v for s in series.values() for v in s if v is not None]
    top = _nice(max(values, default=0)) if not percent else min(1.0, _nice(max(values, default=0.01)))
    plot_w = W - left - RIGHT - 50
    out = []
    for i, label in enumerate(labels):
        y0 = TOP + group * i
        shown = label if len(label) <= MAX_LABEL else label[: MAX_LABEL - 1] + "…"
        out.append(
            f"<text x='{left - 6}' y='{y0 + group / 2:.1f}' font-size='{TICK}' text-anchor='end'>"
            f"<title>{escape(label)}</title>{escape(shown)}</text>"
        )
        row = [vals[i] for vals in series.values()]
        if all(v is None for v in row):
            note = f"x='{left + 4}' y='{y0 + group / 2:.1f}' font-size='{TICK}' fill='#8c959f'"
            out.append(f"<text {note}>no data</text>")
            continue
        for j, ((name, _), v, color) in enumerate(zip(series.items(), row, PALETTE, strict=False)):
            y = y0 + 4 + 15 * j
            if v is None:
                continue
            w = plot_w * v / top if top else 0
            text = f"{v * 100:.1f}%" if percent else _fmt(v) if v else ""
            out.append(
                f"<rect x='{left}' y='{y}' width='{w:.1f}' height='12' fill='{color}'>"
                f"<title>{escape(label)} {escape(name)}: {text}</title></rect>"
                f"<text x='{left + w + 4:.1f}' y='{y + 10}' font-size='{TICK}'>{text}</text>"
            )
    out.append(_legend(list(series), PALETTE, height - 8))
    return _svg("".join(out), title, height)


def heatmap(grid: Sequence[Sequence[int]], *, title: str) -> str:
    """A 10 x 10 heatmap: rows are risk 1..10 (10 at the top), columns autonomy 1..10."""
    cell, left, top = 40, 64, 34
    peak = max((v for row in grid for v in row), default=0)
    out = []
    for r, row in enumerate(grid):
        y = top + cell * (9 - r)
        out.append(
            f"<text x='{left - 8}' y='{y + cell / 2 + 4}' font-size='11' text-anchor='end'>{r + 1}</text>"
        )
        for a, v in enumerate(row):
            x = left + cell * a
            shade = 0.0 if not v or not peak else 0.12 + 0.88 * math.log1p(v) / math.log1p(peak)
            fill = f"rgba(207,34,46,{shade:.3f})" if v else "#f6f8fa"
            ink = _ink(shade)
            out.append(
                f"<rect x='{x}' y='{y}' width='{cell - 2}' height='{cell - 2}' fill='{fill}'>"
                f"<title>risk {r + 1}, autonomy {a + 1}: {v:,} calls</title></rect>"
            )
            if v:
                out.append(
                    f"<text x='{x + cell / 2 - 1}' y='{y + cell / 2 + 4}' font-size='{TICK}' "
                    f"text-anchor='middle' fill='{ink}'>{_fmt(v)}</text>"
                )
    for a in range(10):
        out.append(
            f"<text x='{left + cell * a + cell / 2 - 1}' y='{top + cell * 10 + 14}' font-size='11' "
            f"text-anchor='middle'>{a + 1}</text>"
        )
    out.append(
        f"<text x='{left + cell * 5}' y='{top + cell * 10 + 32}' font-size='11' text-anchor='middle' "
        f"fill='#57606a'>autonomy →</text><text x='16' y='{top + cell * 5}' font-size='11' fill='#57606a' "
        f"transform='rotate(-90 16 {top + cell * 5})' text-anchor='middle'>risk →</text>"
    )
    return _svg("".join(out), title, top + cell * 10 + 44).replace(
        f"viewBox='0 0 {W} ", f"viewBox='0 0 {left + cell * 10 + 10} "
    )


def _ink(shade: float, base: tuple[int, int, int] = (207, 34, 46)) -> str:
    """Dark or white text, whichever contrasts more with `base` at opacity `shade` over white."""
    blend = [255 - shade * (255 - c) for c in base]
    lin = [(c / 255) / 12.92 if c <= 10.3 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in blend]
    lum = 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]
    dark = 0.0157  # the relative luminance of DARK
    return LIGHT if (1.05 / (lum + 0.05)) > ((lum + 0.05) / (dark + 0.05)) else DARK
