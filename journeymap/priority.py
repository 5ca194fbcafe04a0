"""Where fixing a gap reaches the most customers: expected visits × importance × shortfall.

Only shortfalls count: a touchpoint that exceeds expectations has nothing to fix, however busy
it is. The shortfall is the loss-adjusted one, so λ decides how much a miss outweighs a delight.
"""

from __future__ import annotations

import pandas as pd

PRIORITY_COLUMNS = (
    "touchpoint",
    "visits",
    "importance",
    "loss_adjusted_gap",
    "shortfall",
    "priority",
    "priority_share",
)


def priority_table(gaps: pd.DataFrame, flow: pd.DataFrame) -> pd.DataFrame:
    """Priority per touchpoint, in the order of `gaps` (a per-touchpoint `gaps.gap_table`).

    `flow` is `graph.flow_table`. Unrated touchpoints get NaN; `priority_share` is each
    touchpoint's part of the journey's total priority.
    """
    for frame, needed, made_by in (
        (gaps, ("touchpoint", "importance", "loss_adjusted_gap"), "gaps.gap_table(by=None)"),
        (flow, ("touchpoint", "visits"), "graph.flow_table"),
    ):
        missing = [c for c in needed if c not in frame.columns]
        if missing:
            raise ValueError(f"needs a table from {made_by}; missing {', '.join(missing)}")
    table = gaps.loc[:, ["touchpoint", "importance", "loss_adjusted_gap"]].copy()
    table.insert(1, "visits", table["touchpoint"].map(flow.set_index("touchpoint")["visits"]))
    table["visits"] = table["visits"].fillna(0.0)
    table["shortfall"] = (-table["loss_adjusted_gap"]).clip(lower=0)
    table["priority"] = table["visits"] * table["importance"] * table["shortfall"]
    total = table["priority"].sum()
    table["priority_share"] = table["priority"] / total if total > 0 else table["priority"] * 0
    return table.reset_index(drop=True)[list(PRIORITY_COLUMNS)]
