"""Growth charts as server-rendered SVG data: no JavaScript, no external libraries.

`build_charts` turns a pupil's LVS results into one chart per subject and scale code
(scores with different scale codes are never joined by one line). Level bands are drawn
only where the school has entered cut scores for every moment of the chart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

# The drawing is about as wide as a phone's content column (~300 CSS px at 360 px), so
# that 15-unit text renders at 12 px or more there; the stylesheet caps the width on
# larger screens. FONT is the one text size inside the SVG (see results.css).
WIDTH = 340
HEIGHT = 250
LEFT = 40
RIGHT = 30
TOP = 14
BOTTOM = 40
FONT = 15
# Below this many SVG units per moment, only every other moment label is drawn.
LABEL_SPACE = 30

MOMENT_RE = re.compile(r"^([BME])\s?(\d)")

# Lower boundary of each level, from the cut score fields (I is the top band).
BAND_LEVELS = ("I", "II", "III", "IV", "V")


def moment_sort_key(moment: str) -> tuple[int, int]:
    """M3 < E3 < M4 … < B8 < M8 < E8."""
    match = MOMENT_RE.match(moment or "")
    if not match:
        return (99, 9)
    return (int(match.group(2)), {"B": 0, "M": 1, "E": 2}[match.group(1)])


def release_moment(moment: str) -> str:
    match = MOMENT_RE.match(moment or "")
    return match.group(1) if match else ""


@dataclass
class Point:
    result: object
    x: float = 0
    y: float = 0
    y_low: float | None = None
    y_high: float | None = None
    label: str = ""
    show_moment: bool = True


@dataclass
class Chart:
    key: str
    subject: str
    test_name: str
    scale_code: str
    results: list
    points: list[Point] = field(default_factory=list)
    ticks: list[tuple[float, str]] = field(default_factory=list)
    bands: list[tuple[str, str, float]] = field(default_factory=list)  # (level, polygon, label y)
    polyline: str = ""
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_edge: int = WIDTH - RIGHT
    top: int = TOP
    bottom_edge: int = HEIGHT - BOTTOM
    # (scale code, moment) -> CutScore, for the plain-words level of each score.
    cuts: dict = field(default_factory=dict)

    @property
    def has_bands(self) -> bool:
        return bool(self.bands)

    @property
    def first_moment(self) -> str:
        return self.results[0].moment if self.results else ""

    @property
    def last_moment(self) -> str:
        return self.results[-1].moment if self.results else ""

    @property
    def latest(self):
        """The newest result and its level (I-V), from the test or the school's cut scores."""
        if not self.results:
            return None, ""
        result = self.results[-1]
        return result, level_of(result, self.cuts.get((self.scale_code, result.moment)))

    @property
    def latest_result(self):
        return self.latest[0]

    @property
    def latest_level(self) -> str:
        result, level = self.latest
        return level or (result.level_ae if result else "")

    @property
    def latest_meaning(self):
        return level_meaning(self.latest_level)


def level_of(result, cut) -> str:
    """The level I-V of a result: as the test gave it, otherwise from the cut scores."""
    if result.level_iv:
        return result.level_iv
    if cut is None or result.ability_score is None:
        return ""
    score = result.ability_score
    for level, boundary in (
        ("I", cut.cut_1_2),
        ("II", cut.cut_2_3),
        ("III", cut.cut_3_4),
        ("IV", cut.cut_4_5),
    ):
        if score >= boundary:
            return level
    return "V"


def _nice_range(values: list[Decimal]) -> tuple[int, int, int]:
    low, high = float(min(values)), float(max(values))
    span = max(high - low, 10)
    step = 5
    for candidate in (5, 10, 20, 25, 50, 100):
        step = candidate
        if span / candidate <= 6:
            break
    low = int(low // step) * step
    high = int(-(-high // step)) * step
    if high == low:
        high = low + step
    return low, high, step


def build_charts(results, cut_scores) -> tuple[list[Chart], list]:
    """Charts per (subject, scale code) for results with a vaardigheidsscore.

    `results` is an iterable of LvsResult; `cut_scores` maps (scale_code, moment) to a
    CutScore. Returns the charts and the results without a score (shown in tables only).
    """
    series: dict[tuple[str, str], list] = {}
    without_score = []
    for result in results:
        if result.ability_score is None:
            without_score.append(result)
            continue
        series.setdefault((result.subject, result.scale_code), []).append(result)
    charts = []
    for index, ((subject, scale_code), rows) in enumerate(sorted(series.items())):
        rows.sort(key=lambda r: (r.taken_on, moment_sort_key(r.moment)))
        chart = Chart(
            key=f"chart-{index}",
            subject=subject,
            test_name=rows[-1].test_name,
            scale_code=scale_code,
            results=rows,
            cuts=cut_scores,
        )
        cuts = [cut_scores.get((scale_code, r.moment)) for r in rows] if scale_code else []
        use_bands = bool(cuts) and all(cuts)
        values = []
        for r in rows:
            values.append(r.ability_score)
            if r.interval_low is not None:
                values.append(r.interval_low)
            if r.interval_high is not None:
                values.append(r.interval_high)
        if use_bands:
            for cut in cuts:
                values.extend([cut.cut_1_2, cut.cut_4_5])
        low, high, step = _nice_range(values)
        if use_bands:
            low -= step
            high += step
        plot_h = chart.bottom_edge - chart.top
        plot_w = chart.right_edge - chart.left

        def y_of(value, low=low, high=high, plot_h=plot_h, chart=chart):
            return round(chart.bottom_edge - (float(value) - low) / (high - low) * plot_h, 1)

        count = len(rows)
        label_every = 1 if plot_w / count >= LABEL_SPACE else 2
        for i, r in enumerate(rows):
            x = chart.left + (plot_w * (i + 0.5) / count)
            point = Point(result=r, x=round(x, 1), y=y_of(r.ability_score))
            if r.interval_low is not None and r.interval_high is not None:
                point.y_low = y_of(r.interval_low)
                point.y_high = y_of(r.interval_high)
            point.label = r.level_iv or r.level_ae or ""
            # Always label the newest moment; thin out the others when they are crowded.
            point.show_moment = (count - 1 - i) % label_every == 0
            chart.points.append(point)
        chart.polyline = " ".join(f"{p.x},{p.y}" for p in chart.points)
        chart.ticks = [(y_of(v), str(v)) for v in range(low, high + 1, step)]
        if use_bands:
            xs_edges = [chart.left] + [p.x for p in chart.points] + [chart.right_edge]
            cuts = [cuts[0], *cuts, cuts[-1]]
            bounds = []  # per level: (upper values, lower values)
            tops = [Decimal(high)] * len(cuts)
            lowers = {
                "I": [c.cut_1_2 for c in cuts],
                "II": [c.cut_2_3 for c in cuts],
                "III": [c.cut_3_4 for c in cuts],
                "IV": [c.cut_4_5 for c in cuts],
                "V": [Decimal(low)] * len(cuts),
            }
            upper = tops
            for level in BAND_LEVELS:
                lower = lowers[level]
                top_pts = [f"{x},{y_of(v)}" for x, v in zip(xs_edges, upper, strict=True)]
                bottom_pts = [
                    f"{x},{y_of(v)}" for x, v in reversed(list(zip(xs_edges, lower, strict=True)))
                ]
                top_y, bottom_y = y_of(upper[-1]), y_of(lower[-1])
                # Label a band only where it is tall enough to read.
                label_y = (
                    round((top_y + bottom_y) / 2 + FONT / 3, 1)
                    if bottom_y - top_y >= FONT + 2
                    else None
                )
                bounds.append((level, " ".join(top_pts + bottom_pts), label_y))
                upper = lower
            chart.bands = bounds
        charts.append(chart)
    return charts, without_score


# What a level means for the child, in plain words (the glossary explains the scheme).
LEVEL_MEANINGS = {
    "I": _("far above the national average (the highest 20 percent of all children)"),
    "II": _("above the national average"),
    "III": _("around the national average"),
    "IV": _("below the national average"),
    "V": _("far below the national average (the lowest 20 percent of all children)"),
    "A": _("far above the national average (the highest 25 percent of all children)"),
    "B": _("above the national average"),
    "C": _("just below the national average"),
    "D": _("below the national average"),
    "E": _("far below the national average (the lowest 10 percent of all children)"),
}


def level_meaning(level: str):
    return LEVEL_MEANINGS.get((level or "").strip().upper(), "")
