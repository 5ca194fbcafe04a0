"""Gap bars: each touchpoint's mean gap with its 95 % interval, the worst shortfalls on top."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from journeymap.charts.style import EXCEED, EXPECTED, INK, MARGIN, SHORTFALL, shared_layout
from journeymap.charts.text import plain, two_lines


def gap_bar_chart(
    gaps: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    title: str = "Expectation gap per touchpoint",
    worst: int = 10,
    best: int = 5,
) -> go.Figure:
    """Mean gap (experienced − expected) with its 95 % interval, worst on top.

    Of many touchpoints only the `worst` largest shortfalls and the `best` largest surpluses
    are drawn, with a note of how many lie between them; pass larger numbers to see all.
    """
    if worst < 0 or best < 0:
        raise ValueError(f"worst and best must be 0 or more, got worst={worst}, best={best}")
    ranked = gaps.dropna(subset=["gap_mean"]).sort_values("gap_mean", ascending=False)
    hidden = ranked.iloc[0:0]
    if len(ranked) > worst + best:
        hidden = ranked.iloc[best : len(ranked) - worst]
        ranked = pd.concat([ranked.iloc[:best], ranked.iloc[len(ranked) - worst :]])
    names = [(labels or {}).get(tp, tp) for tp in ranked["touchpoint"]]
    gap = ranked["gap_mean"].to_numpy(float)
    # Plotly draws y = 0 at the bottom: the best come first, then a free row for the note.
    y = np.arange(len(ranked), dtype=float)
    if len(hidden):
        y[best:] += 1
    error = None
    if {"gap_ci_low", "gap_ci_high"} <= set(ranked.columns):
        error = {
            "type": "data",
            "symmetric": False,
            "array": np.nan_to_num(ranked["gap_ci_high"].to_numpy(float) - gap),
            "arrayminus": np.nan_to_num(gap - ranked["gap_ci_low"].to_numpy(float)),
            "color": "#3A4250",
            "thickness": 2,
        }
    colours = [SHORTFALL if g < 0 else EXCEED for g in gap]
    bars = go.Bar(
        x=gap, y=y, orientation="h", error_x=error, marker={"color": colours},
        customdata=[plain(n) for n in names], hovertemplate="%{customdata}<br>gap %{x:+.2f}<extra></extra>",
    )  # fmt: skip
    # Values in a column right of the plot, clear of bars and error whiskers.
    annotations = [
        {"x": 1.0, "xref": "paper", "y": row, "yref": "y", "text": f"<b>{g:+.2f}</b>",
         "showarrow": False, "xshift": 10, "xanchor": "left",
         "font": {"size": 15, "color": colour}}
        for row, g, colour in zip(y, gap, colours, strict=True)
    ]  # fmt: skip
    tick_values = list(y)
    tick_names = ["<br>".join(plain(line) for line in two_lines(n, 160, 15)) for n in names]
    if len(hidden):
        # The note stands in the column of names, on the free row between best and worst.
        low, high = hidden["gap_mean"].min(), hidden["gap_mean"].max()
        tick_values.append(float(best))
        tick_names.append(
            f"<span style='color:{EXPECTED}'><i>{_count(len(hidden), 'more touchpoint')}"
            f"<br>gaps {low:+.2f} to {high:+.2f}</i></span>"
        )
    rows = len(y) + (1 if len(hidden) else 0)
    layout = {
        "annotations": annotations,
        "shapes": [{"type": "line", "x0": 0, "x1": 0, "xref": "x", "y0": 0, "y1": 1,
                    "yref": "y domain", "line": {"color": INK, "width": 2}}],
        "xaxis": {"title": {"text": "Gap: experienced − expected<br>"
                                    "<span style='font-size:14px'>below 0 falls short</span>"}},
        "yaxis": {"tickmode": "array", "tickvals": tick_values, "ticktext": tick_names,
                  "range": [-0.6, rows - 0.4], "showgrid": False, "tickfont": {"size": 15}},
    }  # fmt: skip
    style = shared_layout(title, height=max(420, 46 * rows + 160), legend=False)
    return go.Figure(data=[bars], layout={**style, **layout, "margin": {**MARGIN, "r": 90}})


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"
