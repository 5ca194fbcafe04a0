"""The promise sweep: the chance of meeting each promise, and its value per 1,000 prospects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from journeymap.charts.style import EXCEED, EXPECTED, EXPERIENCED, shared_layout
from journeymap.charts.text import plain
from journeymap.model import Lever


def promise_sweep_chart(
    sweep: pd.DataFrame,
    *,
    lever: str,
    unit: str = "",
    title: str | None = None,
    current: float | None = None,
    current_label: str = "now",
    narrow: bool = False,
) -> go.Figure:
    """Chance of meeting / beating each promise above, value per 1,000 prospects below.

    `sweep` is a `simulate.sweep` table (promise, p_met, p_delight, value_per_1000,
    recommended); the recommended promise is marked on both panels, `current` if given
    (labelled `current_label`). `narrow` fits a third of a screen: the recommendation becomes
    the title, the legend goes under the chart and the axis titles shorten.
    """
    lever = Lever(lever)
    needed = {"promise", "p_met", "p_delight", "value_per_1000", "recommended"}
    missing = sorted(needed - set(sweep.columns))
    if missing:
        raise ValueError(f"sweep lacks column(s) {', '.join(missing)}")
    if sweep.empty:
        raise ValueError("sweep has no rows")
    table = sweep.sort_values("promise")
    x = table["promise"].to_numpy(float)
    suffix = f" {plain(unit)}" if unit else ""
    # A few promised values (service levels) are points, not a curve: show them.
    mode = "lines+markers" if len(x) <= 12 else "lines"
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.55, 0.45], vertical_spacing=0.08
    )
    for column, name, colour, dash in (
        ("p_met", "Promise met", EXPERIENCED, "solid"),
        ("p_delight", "Beaten (delight)", EXCEED, "dash"),
    ):
        fig.add_trace(
            go.Scatter(
                x=x, y=100 * table[column].to_numpy(float), name=name, mode=mode,
                line={"color": colour, "width": 4, "dash": dash}, marker={"size": 10},
                hovertemplate=f"promise %{{x:g}}{suffix}<br>{name.lower()} %{{y:.1f}} %<extra></extra>",
            ),
            row=1, col=1,
        )  # fmt: skip
    value = table["value_per_1000"].to_numpy(float)
    fig.add_trace(
        go.Scatter(
            x=x, y=value, name="Value per 1,000 prospects", mode=mode,
            line={"color": "#3A4250", "width": 4}, marker={"size": 10},
            hovertemplate=f"promise %{{x:g}}{suffix}<br>value %{{y:,.1f}}<extra></extra>",
        ),
        row=2, col=1,
    )  # fmt: skip
    best = table.loc[table["recommended"].astype(bool)]
    if len(best):
        best_x, best_value = float(best["promise"].iloc[0]), float(best["value_per_1000"].iloc[0])
        fig.add_trace(
            go.Scatter(
                x=[best_x], y=[best_value], mode="markers", name="Recommended promise",
                marker={"symbol": "star", "size": 22, "color": EXCEED, "line": {"color": "white", "width": 1.5}},
                hovertemplate=f"recommended %{{x:g}}{suffix}<br>value %{{y:,.1f}}<extra></extra>",
            ),
            row=2, col=1,
        )  # fmt: skip
        for row in (1, 2):
            fig.add_vline(x=best_x, line={"color": EXCEED, "width": 2}, row=row, col=1)
        fig.add_annotation(
            text=f"<b>Recommended: {best_x:g}{suffix}</b>", x=best_x, y=1.0, xref="x",
            yref="y domain", yanchor="bottom", showarrow=False, font={"size": 16, "color": EXCEED},
        )  # fmt: skip
    if current is not None:
        for row in (1, 2):
            fig.add_vline(
                x=current, line={"color": EXPECTED, "width": 2, "dash": "dot"}, row=row, col=1
            )
        fig.add_annotation(
            text=f"{current_label}: {current:g}{suffix}", x=current, y=1.0, xref="x",
            yref="y2 domain", yanchor="top", showarrow=False, bgcolor="white",
            font={"size": 15, "color": EXPECTED},
        )  # fmt: skip
    _fit_promise_axis(fig, x)
    direction = "lower" if lever.lower_is_better else "higher"
    fig.update_yaxes(title_text="Share of customers (%)", range=[-2, 104], row=1, col=1)
    fig.update_yaxes(title_text="Value per 1,000", row=2, col=1)
    fig.update_xaxes(
        title_text=f"Promised {lever.value}{f' ({plain(unit)})' if unit else ''}; "
        f"{direction} is better for the customer",
        row=2, col=1,
    )  # fmt: skip
    fig = _styled(fig, title or f"What to promise on {lever.value}", height=680)
    if narrow:
        recommended = f"{float(best['promise'].iloc[0]):g}{suffix}" if len(best) else "none"
        _narrow(fig, lever, unit, recommended)
    return fig


def _fit_promise_axis(fig: go.Figure, x: np.ndarray) -> None:
    """Room for the markers, a tick at each of a few service levels, labels kept inside."""
    low, high = float(x.min()), float(x.max())
    span = high - low or 1.0
    few = len(x) <= 12
    pad = 0.15 if few else 0.02
    fig.update_xaxes(range=[low - pad * span, high + pad * span])
    if few:
        fig.update_xaxes(tickvals=x.tolist())
    for note in fig.layout.annotations:
        # Labels in the right half grow leftwards so they are not cut off.
        right = note.x is not None and note.x > low + span / 2
        note.update(xanchor="right" if right else "left", xshift=-4 if right else 4)


def _narrow(fig: go.Figure, lever: Lever, unit: str, recommended: str) -> None:
    # The labels on the lines would not fit a third of a screen.
    fig.layout.annotations = ()
    fig.update_layout(
        title={"text": f"★ Recommended: {recommended}", "font": {"size": 18, "color": EXCEED}},
        margin={"t": 50, "l": 56, "r": 12, "b": 150},
        legend={"orientation": "h", "y": -0.2, "yanchor": "top", "x": 0, "xanchor": "left"},
    )
    fig.update_yaxes(title_text="Customers (%)", row=1, col=1)
    fig.update_yaxes(title_text="Value / 1,000", row=2, col=1)
    fig.update_xaxes(
        title_text=f"Promised {lever.value}{f' ({plain(unit)})' if unit else ''}", row=2, col=1
    )


def _styled(fig: go.Figure, title: str, *, height: int, legend: bool = True) -> go.Figure:
    return fig.update_layout(shared_layout(title, height=height, legend=legend))
