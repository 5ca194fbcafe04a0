"""The look every chart shares: palette, font, sizes in pixels and the common layout."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from journeymap.model import Lane

SHORTFALL = "#C62E3A"
EXCEED = "#23894F"
EXPECTED = "#5B6778"
EXPERIENCED = "#1F5FA8"
NO_DATA = "#B8BEC8"
INK = "#1E2430"
STAGE_BAND = "rgba(91, 103, 120, 0.07)"
GAP_SCALE = [[0.0, SHORTFALL], [0.5, "#F4F1EA"], [1.0, EXCEED]]
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 16, "color": INK}
LANE_ORDER = [Lane.CUSTOMER, Lane.FRONTSTAGE, Lane.BACKSTAGE, Lane.SUPPORT]
#: The narrowest the app commonly shows a chart (pixels): the main column of a 1600-pixel
#: window, and half of it for the gap bars beside the quadrant. Names are placed for these
#: widths; wider (a 1600 × 900 slide image) only moves the points apart.
FULL_WIDTH = 1100
HALF_WIDTH = 540
#: Margins of every chart (pixels); labels are placed inside the plot area they leave.
MARGIN = {"l": 90, "r": 40, "t": 110, "b": 90}


# The parts of plotly's "plotly_white" these charts use: the full template costs ~10 ms to
# validate per figure and adds ~10 KB to every figure's JSON.
_AXIS = {
    "gridcolor": "#EBF0F8", "linecolor": "#EBF0F8", "zerolinecolor": "#EBF0F8",
    "zerolinewidth": 2, "ticks": "", "automargin": True, "title": {"standoff": 15},
}  # fmt: skip
_TEMPLATE = go.layout.Template(
    layout={
        "plot_bgcolor": "white", "paper_bgcolor": "white", "hovermode": "closest",
        "hoverlabel": {"align": "left"}, "xaxis": _AXIS, "yaxis": _AXIS,
    },
    data={"scatter": [{"marker": {"colorbar": {"outlinewidth": 0, "ticks": ""}}}]},
)  # fmt: skip


def shared_layout(title: str, *, height: int, legend: bool = True) -> dict[str, Any]:
    """The layout every chart shares; given with the figure's own layout, plotly checks it
    once (restyling a built figure costs as much again)."""
    return {
        "template": _TEMPLATE,
        "title": {"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 24}},
        "font": FONT,
        "height": height,
        "margin": MARGIN,
        "showlegend": legend,
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.04, "xanchor": "right", "x": 1},
        "hoverlabel": {"font": {"size": 15}},
    }
