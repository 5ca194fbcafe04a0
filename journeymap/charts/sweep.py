"""The promise sweep: the chance of meeting each promise, and its value per 1,000 prospects."""

from __future__ import annotations

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
) -> go.Figure:
    """Chance of meeting / beating each promise above, value per 1,000 prospects below.

    `sweep` is a `simulate.sweep` table (promise, p_met, p_delight, value_per_1000,
    recommended); the recommended promise is marked on both panels, `current` if given.
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
            text=f"now: {current:g}{suffix}", x=current, y=1.0, xref="x", yref="y2 domain",
            yanchor="top", xanchor="left", xshift=4, showarrow=False, bgcolor="white",
            font={"size": 15, "color": EXPECTED},
        )  # fmt: skip
    direction = "lower" if lever.lower_is_better else "higher"
    fig.update_yaxes(title_text="Share of customers (%)", range=[-2, 104], row=1, col=1)
    fig.update_yaxes(title_text="Value per 1,000", row=2, col=1)
    fig.update_xaxes(
        title_text=f"Promised {lever.value}{f' ({plain(unit)})' if unit else ''}; "
        f"{direction} is better for the customer",
        row=2, col=1,
    )  # fmt: skip
    return _styled(fig, title or f"What to promise on {lever.value}", height=680)


def _styled(fig: go.Figure, title: str, *, height: int, legend: bool = True) -> go.Figure:
    return fig.update_layout(shared_layout(title, height=height, legend=legend))
