"""Plotly figures of a journey's gaps: data in, go.Figure out; built to read on a projector.

Callers decide whether to show, export or test a figure. Every label that comes from users
(touchpoint, stage and role names) goes through `plain()` so it is shown as text, never markup.

Labels are placed in pixels for the smallest size a chart is shown at (`width`, and the layout's
height): the app's half or full width. A bigger render (a 1600 × 900 slide image) only moves the
points further apart, so labels that are clear of each other there stay clear. The geometry uses
DejaVu Sans' advance widths (`textfit`), the widest of the fonts the browser may pick.
"""

from journeymap.charts.blueprint import GAP_COLUMNS
from journeymap.charts.flow import FLOW_MARGIN, flow_chart
from journeymap.charts.gap_bars import gap_bar_chart
from journeymap.charts.journey_map import journey_map_chart
from journeymap.charts.quadrant import quadrant_chart
from journeymap.charts.style import (
    EXCEED,
    EXPECTED,
    EXPERIENCED,
    FULL_WIDTH,
    HALF_WIDTH,
    INK,
    MARGIN,
    NO_DATA,
    SHORTFALL,
)
from journeymap.charts.sweep import promise_sweep_chart
from journeymap.charts.text import plain

__all__ = [
    "EXCEED",
    "EXPECTED",
    "EXPERIENCED",
    "FLOW_MARGIN",
    "FULL_WIDTH",
    "GAP_COLUMNS",
    "HALF_WIDTH",
    "INK",
    "MARGIN",
    "NO_DATA",
    "SHORTFALL",
    "flow_chart",
    "gap_bar_chart",
    "journey_map_chart",
    "plain",
    "promise_sweep_chart",
    "quadrant_chart",
]
