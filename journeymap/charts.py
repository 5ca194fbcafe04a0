"""Plotly figures of a journey's gaps: data in, go.Figure out; built to read on a projector.

Callers decide whether to show, export or test a figure. Every label that comes from users
(touchpoint, stage and role names) goes through `plain()` so it is shown as text, never markup.
"""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from journeymap.model import Journey, Lane

SHORTFALL = "#C62E3A"
EXCEED = "#23894F"
EXPECTED = "#5B6778"
EXPERIENCED = "#1F5FA8"
NO_DATA = "#B8BEC8"
STAGE_BAND = "rgba(91, 103, 120, 0.07)"
GAP_SCALE = [[0.0, SHORTFALL], [0.5, "#F4F1EA"], [1.0, EXCEED]]
FONT = {"family": "DejaVu Sans, Arial, sans-serif", "size": 16, "color": "#1E2430"}
LANE_ORDER = [Lane.CUSTOMER, Lane.FRONTSTAGE, Lane.BACKSTAGE, Lane.SUPPORT]
GAP_COLUMNS = ("touchpoint", "expected_mean", "experienced_mean", "gap_mean")


def plain(text: object) -> str:
    """User text as plotly shows it literally (plotly reads a subset of HTML in labels)."""
    return html.escape(str(text), quote=False)


def journey_map_chart(
    journey: Journey, gaps: pd.DataFrame, *, title: str | None = None
) -> go.Figure:
    """Expected vs experienced along the journey, the gap shaded, and the blueprint lanes below."""
    table = _aligned(journey, gaps)
    x = np.arange(len(table), dtype=float)
    fig = make_subplots(
        rows=2, cols=1, shared_xaxes=True, row_heights=[0.68, 0.32], vertical_spacing=0.06
    )
    expected = table["expected_mean"].to_numpy(float)
    experienced = table["experienced_mean"].to_numpy(float)
    for trace in _gap_fills(x, expected, experienced):
        fig.add_trace(trace, row=1, col=1)
    hover = [plain(name) for name in table["name"]]
    fig.add_trace(
        go.Scatter(
            x=x, y=expected, name="Expected", mode="lines+markers", customdata=hover,
            line={"color": EXPECTED, "width": 3, "dash": "dash"}, marker={"size": 9},
            hovertemplate="%{customdata}<br>expected %{y:.2f}<extra></extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    fig.add_trace(
        go.Scatter(
            x=x, y=experienced, name="Experienced", mode="lines+markers", customdata=hover,
            line={"color": EXPERIENCED, "width": 4}, marker={"size": 11},
            hovertemplate="%{customdata}<br>experienced %{y:.2f}<extra></extra>",
        ),
        row=1, col=1,
    )  # fmt: skip
    _add_blueprint_lanes(fig, table, x)
    _add_stage_bands(fig, table)
    low, high = journey.scale.min, journey.scale.max
    fig.update_yaxes(title_text="Rating", range=[low - 0.1, high + 0.25], row=1, col=1)
    fig.update_xaxes(
        tickmode="array", tickvals=x, ticktext=[plain(_short(n)) for n in table["name"]],
        tickangle=-35, range=[-0.6, len(table) - 0.4], row=2, col=1,
    )  # fmt: skip
    fig.update_xaxes(showticklabels=False, row=1, col=1)
    return _styled(fig, title or f"{plain(journey.name)}: expected vs experienced", height=720)


def gap_bar_chart(
    gaps: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    title: str = "Expectation gap per touchpoint",
) -> go.Figure:
    """Mean gap (experienced − expected) with its 95 % interval, worst first."""
    table = gaps.dropna(subset=["gap_mean"]).sort_values("gap_mean", ascending=False)
    names = [plain((labels or {}).get(tp, tp)) for tp in table["touchpoint"]]
    gap = table["gap_mean"].to_numpy(float)
    error = None
    if {"gap_ci_low", "gap_ci_high"} <= set(table.columns):
        error = {
            "type": "data",
            "symmetric": False,
            "array": np.nan_to_num(table["gap_ci_high"].to_numpy(float) - gap),
            "arrayminus": np.nan_to_num(gap - table["gap_ci_low"].to_numpy(float)),
            "color": "#3A4250",
            "thickness": 2,
        }
    fig = go.Figure(
        go.Bar(
            x=gap, y=names, orientation="h", error_x=error,
            marker={"color": [SHORTFALL if g < 0 else EXCEED for g in gap]},
            hovertemplate="%{y}<br>gap %{x:+.2f}<extra></extra>",
        )
    )  # fmt: skip
    # Values in a column right of the plot, clear of bars and error whiskers.
    for name, g in zip(names, gap, strict=True):
        fig.add_annotation(
            x=1.0, xref="paper", y=name, text=f"<b>{g:+.2f}</b>", showarrow=False, xshift=10,
            xanchor="left", font={"size": 15, "color": SHORTFALL if g < 0 else EXCEED},
        )  # fmt: skip
    fig.add_vline(x=0, line={"color": "#1E2430", "width": 2})
    fig.update_xaxes(title_text="Gap (experienced − expected); below 0 is a shortfall")
    height = max(420, 46 * len(names) + 160)
    fig = _styled(fig, title, height=height, legend=False)
    fig.update_layout(margin={"r": 90})
    return fig


def quadrant_chart(
    gaps: pd.DataFrame,
    *,
    labels: dict[str, str] | None = None,
    title: str = "Importance–performance",
) -> go.Figure:
    """Martilla & James: performance across, importance up, cross-hairs at the means."""
    table = gaps.dropna(subset=["experienced_mean", "importance"])
    x = table["experienced_mean"].to_numpy(float)
    y = table["importance"].to_numpy(float)
    names = [(labels or {}).get(tp, tp) for tp in table["touchpoint"]]
    colours = [SHORTFALL if g < 0 else EXCEED for g in table["gap_mean"].fillna(0)]
    fig = go.Figure(
        go.Scatter(
            x=x, y=y, mode="markers+text", text=[plain(_short(n, 22)) for n in names],
            textposition=_alternating_label_positions(x), customdata=[plain(n) for n in names],
            marker={"size": 16, "color": colours, "line": {"color": "white", "width": 1.5}},
            hovertemplate="%{customdata}<br>performance %{x:.2f}<br>importance %{y:.2f}<extra></extra>",
        )
    )  # fmt: skip
    if len(table):
        x_mid, y_mid = float(np.mean(x)), float(np.mean(y))
        fig.add_vline(x=x_mid, line={"color": EXPECTED, "dash": "dot", "width": 2})
        fig.add_hline(y=y_mid, line={"color": EXPECTED, "dash": "dot", "width": 2})
        corners = [
            ("Concentrate here", 0.02, 0.98, "left", "top", SHORTFALL),
            ("Keep up the good work", 0.98, 0.98, "right", "top", EXCEED),
            ("Low priority", 0.02, 0.02, "left", "bottom", EXPECTED),
            ("Possible overkill", 0.98, 0.02, "right", "bottom", EXPECTED),
        ]
        for text, px, py, xanchor, yanchor, colour in corners:
            fig.add_annotation(
                text=f"<b>{text}</b>", x=px, y=py, xref="paper", yref="paper",
                xanchor=xanchor, yanchor=yanchor, showarrow=False,
                font={"size": 15, "color": colour},
            )  # fmt: skip
        pad_x = max(0.3, (x.max() - x.min()) * 0.15)
        pad_y = max(0.3, (y.max() - y.min()) * 0.15)
        fig.update_xaxes(range=[x.min() - pad_x, x.max() + pad_x])
        fig.update_yaxes(range=[y.min() - pad_y, y.max() + pad_y])
    fig.update_xaxes(title_text="Performance (mean experienced)")
    fig.update_yaxes(title_text="Importance")
    return _styled(fig, title, height=620, legend=False)


def flow_chart(
    journey: Journey,
    flow: pd.DataFrame,
    gaps: pd.DataFrame | None = None,
    *,
    title: str = "Journey flow",
) -> go.Figure:
    """The touchpoint graph: stage across, lane down; size = expected visits, colour = gap.

    `flow` needs columns touchpoint and visits; `gaps` (optional) touchpoint and gap_mean.
    """
    table = _aligned(journey, gaps if gaps is not None else pd.DataFrame(columns=GAP_COLUMNS))
    visits = flow.set_index("touchpoint")["visits"].reindex(table["touchpoint"]).fillna(0)
    position = _blueprint_positions(table)
    biggest = max(float(visits.max()), 1e-9)
    size = dict(
        zip(table["touchpoint"], 18 + 42 * np.sqrt(visits.to_numpy() / biggest), strict=True)
    )
    gap = table["gap_mean"].to_numpy(float)
    limit = max(float(np.nanmax(np.abs(gap))) if np.isfinite(gap).any() else 1.0, 0.5)
    names = list(table["name"])
    fig = go.Figure(
        go.Scatter(
            x=[position[tp][0] for tp in table["touchpoint"]],
            y=[position[tp][1] for tp in table["touchpoint"]],
            mode="markers+text", text=[plain(_short(n, 18)) for n in names],
            textposition=["bottom center" if i % 2 == 0 else "top center" for i in range(len(table))],
            customdata=np.column_stack([[plain(n) for n in names], visits.to_numpy(), np.nan_to_num(gap)]),
            hovertemplate="%{customdata[0]}<br>expected visits %{customdata[1]:,.0f}"
            "<br>gap %{customdata[2]:+.2f}<extra></extra>",
            marker={
                "size": list(size.values()),
                "color": np.where(np.isfinite(gap), gap, 0), "cmin": -limit, "cmax": limit,
                "colorscale": GAP_SCALE, "line": {"color": "#3A4250", "width": 1.5},
                "colorbar": {"title": {"text": "Gap"}, "thickness": 16},
            },
            showlegend=False,
        )
    )  # fmt: skip
    for transition in journey.transitions:
        (x0, y0), (x1, y1) = position[transition.source], position[transition.target]
        # Arrows stop at the node's rim (standoff is in pixels), so no line crosses a node.
        fig.add_annotation(
            x=x1, y=y1, ax=x0, ay=y0, xref="x", yref="y", axref="x", ayref="y", text="",
            showarrow=True, arrowhead=3, arrowsize=1.2, arrowwidth=1.5 + 3 * transition.share,
            arrowcolor="rgba(91,103,120,0.55)",
            standoff=size[transition.target] / 2 + 2, startstandoff=size[transition.source] / 2 + 2,
        )  # fmt: skip
    _add_stage_bands(fig, table, yrefs=("y domain",))
    fig.update_xaxes(showticklabels=False, showgrid=False, zeroline=False, range=[-1, len(table)])
    fig.update_yaxes(
        tickmode="array", tickvals=[-i for i in range(len(LANE_ORDER))],
        ticktext=[lane.value for lane in LANE_ORDER], showgrid=False, zeroline=False,
        range=[-3.6, 0.6],
    )  # fmt: skip
    return _styled(fig, title, height=640, legend=False)


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
    from journeymap.model import Lever  # only this chart needs it; keeps the imports as they were

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


# Internals --------------------------------------------------------------------------------


def _aligned(journey: Journey, gaps: pd.DataFrame) -> pd.DataFrame:
    """One row per touchpoint in journey order with name, stage, lane and the gap figures."""
    ordered = journey.ordered_touchpoints()
    table = pd.DataFrame(
        {
            "touchpoint": [tp.id for tp in ordered],
            "name": [tp.name for tp in ordered],
            "stage": [tp.stage for tp in ordered],
            "lane": [tp.lane for tp in ordered],
        }
    )
    figures = gaps.loc[:, [c for c in GAP_COLUMNS if c in gaps.columns]].drop_duplicates(
        "touchpoint"
    )
    table = table.merge(figures, on="touchpoint", how="left")
    for column in GAP_COLUMNS[1:]:
        if column not in table:
            table[column] = np.nan
    return table


def _gap_fills(x: np.ndarray, expected: np.ndarray, experienced: np.ndarray) -> list[go.Scatter]:
    """Red area where experience falls short, green where it exceeds, split at crossings."""
    xs, lower, upper = [], [], []
    for i in range(len(x)):
        xs.append(x[i])
        lower.append(expected[i])
        upper.append(experienced[i])
        if i + 1 < len(x):
            d0, d1 = experienced[i] - expected[i], experienced[i + 1] - expected[i + 1]
            if np.isfinite(d0) and np.isfinite(d1) and d0 * d1 < 0:
                t = d0 / (d0 - d1)
                xs.append(x[i] + t)
                crossing = expected[i] + t * (expected[i + 1] - expected[i])
                lower.append(crossing)
                upper.append(crossing)
    xs_arr, lo, up = np.array(xs), np.array(lower), np.array(upper)
    traces = []
    for colour, name, edge in (
        (EXCEED, "Exceeds expectation", np.fmax(lo, up)),
        (SHORTFALL, "Falls short", np.fmin(lo, up)),
    ):
        edge = np.where(np.isfinite(lo) & np.isfinite(up), edge, np.nan)
        base = np.where(np.isfinite(edge), lo, np.nan)
        traces.append(
            go.Scatter(
                x=xs_arr, y=base, mode="lines", line={"width": 0}, hoverinfo="skip",
                showlegend=False, legendgroup=name,
            )
        )  # fmt: skip
        traces.append(
            go.Scatter(
                x=xs_arr, y=edge, mode="lines", line={"width": 0}, fill="tonexty",
                fillcolor=_alpha(colour, 0.35), name=name, hoverinfo="skip", legendgroup=name,
            )
        )  # fmt: skip
    return traces


def _add_blueprint_lanes(fig: go.Figure, table: pd.DataFrame, x: np.ndarray) -> None:
    lane_y = {lane: -i for i, lane in enumerate(LANE_ORDER)}
    gap = table["gap_mean"].to_numpy(float)
    colours = np.where(~np.isfinite(gap), NO_DATA, np.where(gap < 0, SHORTFALL, EXCEED))
    fig.add_trace(
        go.Scatter(
            x=x, y=[lane_y[lane] for lane in table["lane"]], mode="markers", showlegend=False,
            marker={"size": 16, "color": colours, "symbol": "square", "line": {"color": "white", "width": 1}},
            customdata=[plain(n) for n in table["name"]],
            hovertemplate="%{customdata}<extra></extra>",
        ),
        row=2, col=1,
    )  # fmt: skip
    # The line of visibility separates what the customer sees from what happens backstage.
    fig.add_hline(
        y=-1.5, line={"color": EXPECTED, "dash": "dot", "width": 1.5}, row=2, col=1,
        annotation_text="line of visibility", annotation_position="bottom right",
        annotation_font={"size": 12, "color": EXPECTED},
    )  # fmt: skip
    fig.update_yaxes(
        tickmode="array", tickvals=list(lane_y.values()), ticktext=[lane.value for lane in LANE_ORDER],
        range=[-3.5, 0.5], showgrid=False, row=2, col=1,
    )  # fmt: skip


def _add_stage_bands(
    fig: go.Figure, table: pd.DataFrame, *, yrefs: tuple[str, ...] = ("y domain", "y2 domain")
) -> None:
    """Alternate shaded bands per stage, with the stage name above the chart."""
    stages = table["stage"].tolist()
    start = 0
    for i in range(1, len(stages) + 1):
        if i == len(stages) or stages[i] != stages[start]:
            band = len({*stages[:start]}) % 2 == 0
            for yref in yrefs:
                fig.add_shape(
                    type="rect", xref="x", yref=yref, x0=start - 0.5, x1=i - 0.5, y0=0, y1=1,
                    fillcolor=STAGE_BAND if band else "rgba(0,0,0,0)", line={"width": 0}, layer="below",
                )  # fmt: skip
            fig.add_annotation(
                text=f"<b>{plain(_short(stages[start], 16))}</b>", x=(start + i - 1) / 2, y=1.0,
                xref="x", yref="y domain", yanchor="bottom", showarrow=False, font={"size": 15},
            )  # fmt: skip
            start = i


def _alternating_label_positions(x: np.ndarray) -> list[str]:
    """Neighbours along the x axis take turns above and below, so labels overlap less."""
    positions = [""] * len(x)
    for rank, i in enumerate(np.argsort(x, kind="stable")):
        positions[i] = "top center" if rank % 2 == 0 else "bottom center"
    return positions


def _blueprint_positions(table: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Journey order across (as in the journey map), blueprint lane down."""
    lane_y = {lane: -i for i, lane in enumerate(LANE_ORDER)}
    return {
        row.touchpoint: (float(i), float(lane_y[row.lane]))
        for i, row in enumerate(table.itertuples())
    }


def _styled(fig: go.Figure, title: str, *, height: int, legend: bool = True) -> go.Figure:
    fig.update_layout(
        template="plotly_white",
        title={"text": title, "x": 0.01, "xanchor": "left", "font": {"size": 24}},
        font=FONT,
        height=height,
        margin={"l": 90, "r": 40, "t": 110, "b": 90},
        showlegend=legend,
        legend={"orientation": "h", "yanchor": "bottom", "y": 1.04, "xanchor": "right", "x": 1},
        hoverlabel={"font": {"size": 15}},
    )
    return fig


def _alpha(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r}, {g}, {b}, {alpha})"


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
