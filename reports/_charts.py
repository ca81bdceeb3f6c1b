"""Charts of a report as inline SVG, drawn by matplotlib on the server: the page runs no chart code.

matplotlib writes `style="..."` attributes and a `<style>` element; a page whose
Content-Security-Policy allows only hashed styles would drop them, so `_strict_svg` turns each
declaration into the SVG presentation attribute of the same name (which no policy blocks) and
removes the rest. Every data mark is drawn in a group whose id starts with `data-`, which the
browser test counts.
"""

from __future__ import annotations

import io
import math
import re
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from functools import wraps
from typing import TYPE_CHECKING, ParamSpec

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
PALETTE = (
    "#4269d0",
    "#efb118",
    "#ff725c",
    "#6cc5b0",
    "#3ca951",
    "#ff8ab7",
    "#a463f2",
    "#97bbf5",
    "#9c6b4e",
    "#9498a0",
)
# CSS properties that SVG also takes as presentation attributes.
_PRESENTATION = {
    "clip-path",
    "color",
    "fill",
    "fill-opacity",
    "fill-rule",
    "font-family",
    "font-size",
    "font-style",
    "font-weight",
    "opacity",
    "stroke",
    "stroke-dasharray",
    "stroke-dashoffset",
    "stroke-linecap",
    "stroke-linejoin",
    "stroke-miterlimit",
    "stroke-opacity",
    "stroke-width",
    "text-anchor",
    "dominant-baseline",
}
_FONT = re.compile(
    r"^(?:(?P<style>italic|oblique|normal)\s+)?(?:(?P<weight>\w+)\s+)?"
    r"(?P<size>[\d.]+px)\s+(?P<family>.+)$"
)


_P = ParamSpec("_P")


def _chart(function: Callable[_P, str]) -> Callable[_P, str]:
    """Make the chart under `_settings`, which text objects read when they are created."""

    @wraps(function)
    def drawn(*args: _P.args, **kwargs: _P.kwargs) -> str:
        with _settings():
            return function(*args, **kwargs)

    return drawn


@dataclass(frozen=True, slots=True)
class Series:
    """One model's points on a chart: (x, y, low, high) each, low/high None without interval."""

    name: str
    points: Sequence[tuple[float, float, float | None, float | None]]


def _figure(width: float, height: float) -> Figure:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=72, layout="constrained")


def _style_axes(axes: Axes) -> None:
    axes.spines["top"].set_visible(False)
    axes.spines["right"].set_visible(False)
    axes.grid(axis="both", color="#e5e5e5", linewidth=0.6)
    axes.set_axisbelow(True)


def _settings() -> AbstractContextManager[None]:
    """Matplotlib's settings while a chart is made: text as text, names never read as TeX."""
    import matplotlib

    # parse_math off: a model or task name with "$" in it is a name, not mathtext to parse
    return matplotlib.rc_context(
        {
            "svg.fonttype": "none",
            "svg.hashsalt": "codeeval",
            "font.size": 10,
            "text.parse_math": False,
            "text.usetex": False,
        }
    )


def _svg(figure: Figure, label: str) -> str:
    buffer = io.StringIO()
    with _settings():
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    return _strict_svg(buffer.getvalue(), label)


def _declarations(style: str) -> dict[str, str]:
    found = {}
    for part in style.split(";"):
        name, _, value = part.partition(":")
        name, value = name.strip().lower(), value.strip()
        if not name or not value:
            continue
        if name == "font":
            match = _FONT.match(value)
            if match:
                found["font-size"] = match["size"]
                found["font-family"] = match["family"].replace("'", "").replace('"', "")
                if match["style"]:
                    found["font-style"] = match["style"]
                if match["weight"]:
                    found["font-weight"] = match["weight"]
        elif name in _PRESENTATION:
            found[name] = value
    return found


def _strict_svg(text: str, label: str) -> str:
    """Matplotlib's SVG, styles as presentation attributes, no `<style>` or metadata."""
    ElementTree.register_namespace("", SVG_NS)
    ElementTree.register_namespace("xlink", XLINK_NS)
    referenced = set(re.findall(r"url\(#([^)]+)\)|href=\"#([^\"]+)\"", text))
    kept = {name for pair in referenced for name in pair if name}
    root = ElementTree.fromstring(text)
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (f"{{{SVG_NS}}}style", f"{{{SVG_NS}}}metadata"):
                parent.remove(child)
    for element in root.iter():
        if element.get("id", "data-").split("-")[0] != "data" and element.get("id") not in kept:
            element.attrib.pop("id", None)  # matplotlib's figure_1, axes_1... repeat per chart
        style = element.attrib.pop("style", None)
        if style:
            for name, value in _declarations(style).items():
                element.set(name, value)
    root.set("role", "img")
    root.set("aria-label", label)
    root.set("class", "chart")
    for size in ("width", "height"):  # the viewBox keeps its proportions; CSS sets the width
        root.attrib.pop(size, None)
    return ElementTree.tostring(root, encoding="unicode")


def _interval(value: float, low: float | None, high: float | None) -> tuple[float, float]:
    if low is None or high is None:
        return 0.0, 0.0
    return max(0.0, value - low), max(0.0, high - value)


@_chart
def bars_with_intervals(
    title: str,
    rows: Sequence[tuple[str, float, float | None, float | None]],
    *,
    share: bool = True,
    gid: str = "data-bars",
) -> str:
    """Horizontal bars, one per (name, value, low, high), with the interval as an error bar.

    Args:
        title: The chart's title.
        rows: One bar each, top to bottom.
        share: Values are shares in [0, 1], shown in percent.
        gid: The id of the group holding the bars.

    Returns:
        An `<svg>` element.
    """
    figure = _figure(6.5, 0.9 + 0.28 * max(1, len(rows)))
    axes = figure.add_subplot()
    _style_axes(axes)
    names = [name for name, *_ in rows][::-1]
    values = [value for _, value, _, _ in rows][::-1]
    errors = [_interval(v, lo, hi) for _, v, lo, hi in rows][::-1]
    scale = 100.0 if share else 1.0
    bars = axes.barh(
        range(len(rows)),
        [v * scale for v in values],
        xerr=[[e[0] * scale for e in errors], [e[1] * scale for e in errors]],
        color=PALETTE[0],
        ecolor="#333333",
        capsize=3,
        height=0.6,
    )
    for position, patch in enumerate(bars.patches):
        patch.set_gid(f"{gid}-{position}")
    axes.set_yticks(range(len(rows)), names)
    if share:
        axes.set_xlim(0, 100)
        axes.set_xlabel("%  (bar: value; whisker: 95% interval)")
    axes.set_title(title, loc="left", fontsize=11)
    return _svg(figure, title)


@_chart
def lines(
    title: str,
    series: Sequence[Series],
    *,
    xlabel: str,
    ylabel: str,
    share: bool = True,
    log_x: bool = False,
    x_labels: Sequence[str] | None = None,
    gid: str = "data-line",
) -> str:
    """One line per series, with its interval as a band where there is one.

    Args:
        title: The chart's title.
        series: The lines.
        xlabel: The x axis label.
        ylabel: The y axis label.
        share: y values are shares, shown in percent.
        log_x: A logarithmic x axis (pass@k's k).
        x_labels: Tick labels for x = 0, 1, ... (runs across nights).
        gid: The id of each line's group.

    Returns:
        An `<svg>` element.
    """
    figure = _figure(6.5, 3.6 if len(series) <= 12 else 3.6 + 0.12 * len(series))
    axes = figure.add_subplot()
    _style_axes(axes)
    scale = 100.0 if share else 1.0
    for index, one in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        xs = [p[0] for p in one.points]
        ys = [p[1] * scale for p in one.points]
        (line,) = axes.plot(xs, ys, marker="o", markersize=3, color=color, label=one.name)
        line.set_gid(f"{gid}-{index}")
        banded = [p for p in one.points if p[2] is not None and p[3] is not None]
        if len(banded) > 1:
            band = axes.fill_between(
                [p[0] for p in banded],
                [(p[2] or 0.0) * scale for p in banded],
                [(p[3] or 0.0) * scale for p in banded],
                color=color,
                alpha=0.08,
                linewidth=0,
            )
            band.set_gid(f"{gid}-band-{index}")
    if log_x:
        axes.set_xscale("log", base=2)
        ticks = sorted({p[0] for one in series for p in one.points})
        axes.set_xticks(ticks, [f"{t:g}" for t in ticks])
        axes.minorticks_off()
    if x_labels is not None:
        axes.set_xticks(range(len(x_labels)), x_labels, rotation=30, ha="right")
    if share:
        axes.set_ylim(0, 100)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title, loc="left", fontsize=11)
    if series:
        axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    return _svg(figure, title)


@_chart
def small_multiples(
    title: str,
    panels: Sequence[tuple[str, bool, Sequence[tuple[str, float, float | None, float | None]]]],
) -> str:
    """Several metrics side by side: one panel of horizontal bars per (label, share, rows).

    Args:
        title: The chart's title.
        panels: (metric label, values are shares, one (model, value, low, high) per model).

    Returns:
        An `<svg>` element.
    """
    models = max((len(rows) for _, _, rows in panels), default=1)
    columns = min(3, max(1, len(panels)))
    rows_of_panels = math.ceil(len(panels) / columns) or 1
    figure = _figure(9.5, rows_of_panels * (1.1 + 0.22 * models))
    figure.suptitle(title, x=0.01, ha="left", fontsize=11)
    for index, (label, share, rows) in enumerate(panels):
        axes = figure.add_subplot(rows_of_panels, columns, index + 1)
        _style_axes(axes)
        scale = 100.0 if share else 1.0
        names = [name for name, *_ in rows][::-1]
        values = [v * scale for _, v, _, _ in rows][::-1]
        errors = [_interval(v, lo, hi) for _, v, lo, hi in rows][::-1]
        bars = axes.barh(
            range(len(rows)),
            values,
            xerr=[[e[0] * scale for e in errors], [e[1] * scale for e in errors]],
            color=PALETTE[index % len(PALETTE)],
            ecolor="#333333",
            capsize=2,
            height=0.6,
        )
        for position, patch in enumerate(bars.patches):
            patch.set_gid(f"data-metric-{index}-{position}")
        axes.set_yticks(range(len(rows)), names if index % columns == 0 else [""] * len(rows))
        axes.set_title(label + (" (%)" if share else ""), loc="left", fontsize=10)
        if share:
            axes.set_xlim(0, 100)
    return _svg(figure, title)


@_chart
def scatter(
    title: str,
    points: Sequence[tuple[str, float, float]],
    *,
    xlabel: str,
    ylabel: str,
    log_x: bool = False,
) -> str:
    """One labelled point per (name, x, y share).

    Args:
        title: The chart's title.
        points: (model, x, y in [0, 1]).
        xlabel: The x axis label.
        ylabel: The y axis label.
        log_x: A logarithmic x axis (costs spread over orders of magnitude).

    Returns:
        An `<svg>` element.
    """
    figure = _figure(6.5, 4.0)
    axes = figure.add_subplot()
    _style_axes(axes)
    for index, (name, x, y) in enumerate(points):
        marks = axes.scatter([x], [y * 100], s=36, color=PALETTE[index % len(PALETTE)])
        marks.set_gid(f"data-point-{index}")
        if len(points) <= 15:
            axes.annotate(name, (x, y * 100), textcoords="offset points", xytext=(5, 4), fontsize=8)
    if log_x and all(x > 0 for _, x, _ in points):
        from matplotlib.ticker import FuncFormatter

        axes.set_xscale("log")
        # The default labels of a log axis are mathtext ("$10^{-5}$"), shown raw with
        # parse_math off: plain numbers instead.
        axes.xaxis.set_major_formatter(FuncFormatter(lambda value, _: f"{value:g}"))
        axes.xaxis.set_minor_formatter(FuncFormatter(lambda value, _: ""))
    axes.set_ylim(0, 105)
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.set_title(title, loc="left", fontsize=11)
    return _svg(figure, title)
