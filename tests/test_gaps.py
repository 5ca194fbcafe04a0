"""Gap table, journey scores and the two producers of rating sums, checked against scipy,
pandas recomputations and hand-worked cases."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from scipy import stats

from journeymap.errors import InvalidInput, RatingsError
from journeymap.gap_sums import SUM_COLUMNS, rating_sums, sums_columns
from journeymap.gaps import GAP_COLUMNS, GROUPINGS, gap_table, journey_scores, remembered_path
from journeymap.journey_file import load_journey
from journeymap.model import Journey
from journeymap.ratings import empty_ratings, read_ratings
from tests.conftest import ROOT, SAMPLES

SAMPLE_NAMES = sorted(p.stem for p in SAMPLES.glob("*.json"))


def sample(name: str) -> tuple[Journey, pd.DataFrame]:
    journey = load_journey(SAMPLES / f"{name}.json")
    return journey, read_ratings(SAMPLES / f"{name}.csv", journey).frame


def small_journey(**changes) -> Journey:
    """Three touchpoints over two stages, listed out of stage order on purpose."""
    document = {
        "name": "Small",
        "stages": ["First", "Second"],
        "touchpoints": [
            {"id": "late", "name": "Late", "stage": "Second", "role": "courier", "importance": 4},
            {"id": "early", "name": "Early", "stage": "First", "role": "agent", "importance": 2},
            {"id": "quiet", "name": "Quiet", "stage": "First", "dimension": "empathy"},
        ],
        "transitions": [{"from": "early", "to": "late", "share": 0.8}],
    }
    return Journey.model_validate({**document, **changes})


def ratings(rows: list[tuple], columns=("touchpoint", "expected", "experienced")) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=list(columns))


def row(table: pd.DataFrame, touchpoint: str) -> pd.Series:
    return table.set_index("touchpoint").loc[touchpoint]


# The gap table ------------------------------------------------------------------------------


def test_gap_table_has_the_issues_columns_first_and_one_row_per_touchpoint_in_journey_order():
    table = gap_table(small_journey(), ratings([("early", 3, 4)]))
    assert tuple(table.columns[: len(GAP_COLUMNS)]) == GAP_COLUMNS
    assert list(table["touchpoint"]) == ["early", "quiet", "late"]


def test_gap_is_experienced_minus_expected_per_rating(pizza, pizza_ratings):
    table = gap_table(pizza, pizza_ratings).set_index("touchpoint")
    by_hand = (
        pizza_ratings.assign(gap=pizza_ratings["experienced"] - pizza_ratings["expected"])
        .groupby("touchpoint")["gap"]
        .agg(["mean", "count"])
    )
    for tp, expected in by_hand.iterrows():
        assert table.loc[tp, "n"] == expected["count"]
        assert table.loc[tp, "gap_mean"] == pytest.approx(expected["mean"], abs=1e-12)
    assert (table["gap_mean"] == table["experienced_mean"] - table["expected_mean"]).all()


def test_gap_interval_is_the_student_t_interval_of_scipy(pizza, pizza_ratings):
    table = gap_table(pizza, pizza_ratings).set_index("touchpoint")
    gaps = (pizza_ratings["experienced"] - pizza_ratings["expected"]).dropna()
    for tp, values in gaps.groupby(pizza_ratings["touchpoint"]):
        low, high = stats.t.interval(
            0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values)
        )
        assert table.loc[tp, "gap_ci_low"] == pytest.approx(low, abs=1e-9)
        assert table.loc[tp, "gap_ci_high"] == pytest.approx(high, abs=1e-9)


def test_hand_worked_touchpoint_gives_every_figure():
    # gaps −2, −1, 0, +1, +3
    rows = [("early", 5, 3), ("early", 4, 3), ("early", 4, 4), ("early", 3, 4), ("early", 2, 5)]
    got = row(gap_table(small_journey(), ratings(rows)), "early")
    assert got["n"] == 5
    assert got["expected_mean"] == pytest.approx(3.6)
    assert got["experienced_mean"] == pytest.approx(3.8)
    assert got["gap_mean"] == pytest.approx(0.2)
    assert got["shortfall_share"] == pytest.approx(0.4)
    assert got["loss_adjusted_gap"] == pytest.approx((1 + 3 - 2.25 * (2 + 1)) / 5)
    assert got["recovery_debt"] == 12 * 2 - 2
    assert got["importance"] == 2  # no importance column: the touchpoint's weight


def test_loss_aversion_and_recovery_ratio_are_options():
    rows = [("early", 5, 3), ("early", 3, 4), ("early", 3, 4), ("early", 3, 4)]
    got = row(gap_table(small_journey(), ratings(rows), loss_aversion=1, recovery_ratio=2), "early")
    assert got["loss_adjusted_gap"] == pytest.approx((3 - 2) / 4)
    assert got["recovery_debt"] == 0  # max(0, 2 × 1 − 3)


def test_curvature_bends_gains_and_losses_like_tversky_kahneman():
    gaps = np.array([-3.0, -1.0, 2.0, 4.0])
    rows = [("early", 4, 4 + g) for g in gaps]
    got = row(gap_table(small_journey(), ratings(rows), curvature=0.88), "early")
    by_hand = np.mean([g**0.88 if g >= 0 else -2.25 * (-g) ** 0.88 for g in gaps])
    assert got["loss_adjusted_gap"] == pytest.approx(by_hand)


def test_rows_without_both_values_do_not_count():
    rows = [("early", 4, 6), ("early", np.nan, 1), ("early", 2, np.nan)]
    got = row(gap_table(small_journey(), ratings(rows)), "early")
    assert got["n"] == 1
    assert got["gap_mean"] == 2


def test_touchpoints_without_ratings_keep_their_row_with_n_zero_and_empty_figures():
    got = row(gap_table(small_journey(), ratings([("early", 3, 4)])), "late")
    assert got["n"] == 0
    for column in ("expected_mean", "gap_mean", "gap_ci_low", "loss_adjusted_gap", "recovery_debt"):
        assert math.isnan(got[column])
    assert got["quadrant"] is None
    assert got["importance"] == 4


def test_one_rating_has_no_interval():
    got = row(gap_table(small_journey(), ratings([("early", 3, 4)])), "early")
    assert math.isnan(got["gap_ci_low"]) and math.isnan(got["gap_ci_high"])


def test_equal_gaps_have_an_interval_of_zero_width():
    got = row(gap_table(small_journey(), ratings([("early", 3, 4)] * 4)), "early")
    assert got["gap_ci_low"] == pytest.approx(1) and got["gap_ci_high"] == pytest.approx(1)


def test_importance_is_the_ratings_own_where_given_else_the_touchpoint_weight():
    frame = ratings(
        [("early", 3, 4, 6.0), ("early", 3, 4, np.nan), ("late", 3, 4, np.nan)],
        columns=("touchpoint", "expected", "experienced", "importance"),
    )
    table = gap_table(small_journey(), frame)
    assert row(table, "early")["importance"] == pytest.approx((6 + 2) / 2)
    assert row(table, "late")["importance"] == 4


def test_quadrants_split_at_the_mean_importance_and_performance():
    journey = Journey.model_validate(
        {
            "name": "Quadrants",
            "stages": ["S"],
            "touchpoints": [
                {"id": tp, "name": tp, "stage": "S", "importance": weight}
                for tp, weight in [
                    ("hi_lo", 6),
                    ("hi_hi", 6),
                    ("lo_lo", 2),
                    ("lo_hi", 2),
                    ("mid", 4),
                ]
            ],
        }
    )
    # Mean importance 4 and mean experienced 4: "mid" sits on both cross-hairs, so counts as high.
    rows = [("hi_lo", 4, 2), ("hi_hi", 4, 6), ("lo_lo", 4, 2), ("lo_hi", 4, 6), ("mid", 4, 4)]
    quadrant = gap_table(journey, ratings(rows)).set_index("touchpoint")["quadrant"]
    assert quadrant.to_dict() == {
        "hi_lo": "concentrate here",
        "hi_hi": "keep up the good work",
        "lo_lo": "low priority",
        "lo_hi": "possible overkill",
        "mid": "keep up the good work",
    }


def test_zone_of_tolerance_from_adequate_and_desired_levels():
    journey, frame = sample("dental_clinic")
    table = gap_table(journey, frame).set_index("touchpoint")
    # Like every figure of the table, over the rows that give both expected and experienced.
    frame = frame.dropna(subset=["expected", "experienced"])
    msa = (frame["experienced"] - frame["adequate"]).groupby(frame["touchpoint"]).mean()
    mss = (frame["experienced"] - frame["desired"]).groupby(frame["touchpoint"]).mean()
    pd.testing.assert_series_equal(table["msa"].loc[msa.index], msa, check_names=False)
    pd.testing.assert_series_equal(table["mss"].loc[mss.index], mss, check_names=False)
    expected_zone = np.where(msa < 0, "below", np.where(mss > 0, "above", "within"))
    assert list(table["zone"].loc[msa.index]) == list(expected_zone)


def test_zone_is_empty_without_adequate_and_desired(pizza, pizza_ratings):
    table = gap_table(pizza, pizza_ratings)
    assert table["msa"].isna().all() and table["zone"].isna().all()


@pytest.mark.parametrize("by", GROUPINGS)
def test_grouping_pools_the_ratings_of_each_group(by):
    journey, frame = sample("dental_clinic")
    table = gap_table(journey, frame, by=by).set_index(by)
    attributes = pd.DataFrame(
        [
            {"touchpoint": tp.id, "stage": tp.stage, "lane": tp.lane.value, "role": tp.role,
             "dimension": tp.dimension.value if tp.dimension else ""}
            for tp in journey.touchpoints
        ]
    )  # fmt: skip
    rated = frame.dropna(subset=["expected", "experienced"])
    if by != "segment":
        rated = rated.drop(columns="segment").merge(attributes, on="touchpoint")
    gap = rated["experienced"] - rated["expected"]
    by_hand = pd.DataFrame(
        {"n": gap.groupby(rated[by]).size(), "gap": gap.groupby(rated[by]).mean()}
    )
    by_hand["shortfall"] = (gap < 0).groupby(rated[by]).mean()
    assert table.columns[0] == "n" and table.index.name == by
    assert table["n"].sum() == len(rated)
    for group, expected in by_hand.iterrows():
        assert table.loc[group, "n"] == expected["n"]
        assert table.loc[group, "gap_mean"] == pytest.approx(expected["gap"])
        assert table.loc[group, "shortfall_share"] == pytest.approx(expected["shortfall"])


def test_stages_come_in_journey_order_with_their_touchpoint_counts():
    table = gap_table(small_journey(), ratings([("late", 3, 4)]), by="stage")
    assert list(table["stage"]) == ["First", "Second"]
    assert list(table["touchpoints"]) == [2, 1]
    assert list(table["n"]) == [0, 1]


def test_segment_filter_keeps_only_the_ratings_of_those_segments(pizza, pizza_ratings):
    filtered = gap_table(pizza, pizza_ratings, segments=["new"])
    by_hand = gap_table(pizza, pizza_ratings[pizza_ratings["segment"] == "new"])
    pd.testing.assert_frame_equal(filtered, by_hand)


def test_role_filter_keeps_only_the_touchpoints_of_those_roles(pizza, pizza_ratings):
    table = gap_table(pizza, pizza_ratings, roles=["cook", "courier"])
    assert list(table["touchpoint"]) == ["kitchen", "deliver", "pizza"]
    whole = gap_table(pizza, pizza_ratings).set_index("touchpoint")
    assert list(table["gap_mean"]) == list(whole.loc[["kitchen", "deliver", "pizza"], "gap_mean"])


def test_empty_ratings_give_every_touchpoint_with_n_zero(pizza):
    table = gap_table(pizza, empty_ratings())
    assert len(table) == len(pizza.touchpoints)
    assert (table["n"] == 0).all() and table["gap_mean"].isna().all()
    assert math.isnan(journey_scores(pizza, empty_ratings()).mean_gap)


@pytest.mark.parametrize(
    "options",
    [
        pytest.param({"by": "colour"}, id="unknown-by"),
        pytest.param({"loss_aversion": -1.0}, id="negative-loss-aversion"),
        pytest.param({"loss_aversion": 0.0}, id="zero-loss-aversion"),
        pytest.param({"loss_aversion": float("nan")}, id="nan-loss-aversion"),
        pytest.param({"recovery_ratio": -12.0}, id="negative-recovery-ratio"),
        pytest.param({"curvature": 1.5}, id="curvature-above-one"),
    ],
)
def test_bad_options_are_refused_with_their_name(pizza, pizza_ratings, options):
    with pytest.raises(InvalidInput, match=next(iter(options))):
        gap_table(pizza, pizza_ratings, **options)


# The two producers of sums ------------------------------------------------------------------


def sorted_sums(frame: pd.DataFrame) -> pd.DataFrame:
    keys = [c for c in ("touchpoint", "segment") if c in frame]
    return frame.sort_values(keys).reset_index(drop=True)


@pytest.mark.parametrize("name", SAMPLE_NAMES)
@pytest.mark.parametrize("by_segment", [False, True], ids=["per-touchpoint", "per-segment"])
@pytest.mark.parametrize("curvature", [None, 0.88], ids=["linear", "curved"])
def test_numpy_and_store_give_the_same_sums(store, name, by_segment, curvature):
    journey, frame = sample(name)
    store.import_journey(journey, frame)
    from_numpy = rating_sums(journey, frame, curvature=curvature, by_segment=by_segment)
    from_sql = store.rating_sums(journey.id, curvature=curvature, by_segment=by_segment)
    assert list(from_sql.columns) == sums_columns(by_segment=by_segment)
    pd.testing.assert_frame_equal(sorted_sums(from_numpy), sorted_sums(from_sql), rtol=1e-12)


def test_store_filters_segments_like_the_ratings_frame(store, pizza, pizza_ratings):
    store.import_journey(pizza, pizza_ratings)
    pd.testing.assert_frame_equal(
        sorted_sums(store.rating_sums(pizza.id, segments=["regular"])),
        sorted_sums(rating_sums(pizza, pizza_ratings[pizza_ratings["segment"] == "regular"])),
    )


def test_gap_table_from_store_sums_equals_the_table_from_ratings(store, pizza, pizza_ratings):
    store.import_journey(pizza, pizza_ratings)
    for by in (None, "segment"):
        sums = store.rating_sums(pizza.id, by_segment=by == "segment")
        pd.testing.assert_frame_equal(
            gap_table(pizza, sums, by=by), gap_table(pizza, pizza_ratings, by=by)
        )


def test_a_journey_without_stored_ratings_has_empty_sums(store, pizza):
    store.save_journey(pizza)
    sums = store.rating_sums(pizza.id)
    assert sums.empty and list(sums.columns) == sums_columns()
    assert (gap_table(pizza, sums)["n"] == 0).all()


def test_arrow_tables_batches_and_parquet_give_the_same_sums(tmp_path, pizza, pizza_ratings):
    expected = rating_sums(pizza, pizza_ratings, by_segment=True)
    table = pa.Table.from_pandas(pizza_ratings, preserve_index=False)
    path = tmp_path / "ratings.parquet"
    pq.write_table(table, path)
    batches = pq.ParquetFile(path, read_dictionary=["touchpoint"]).iter_batches(batch_size=50)
    for source in (table, table.to_batches(max_chunksize=64), batches):
        pd.testing.assert_frame_equal(rating_sums(pizza, source, by_segment=True), expected)


def test_sums_add_up_across_chunks(pizza, pizza_ratings):
    halves = [
        pizza_ratings.iloc[: len(pizza_ratings) // 2],
        pizza_ratings.iloc[len(pizza_ratings) // 2 :],
    ]
    parts = pd.concat([rating_sums(pizza, half) for half in halves])
    added = parts.groupby("touchpoint", sort=False)[list(SUM_COLUMNS)].sum()
    whole = rating_sums(pizza, pizza_ratings).set_index("touchpoint")[list(SUM_COLUMNS)]
    pd.testing.assert_frame_equal(added.loc[whole.index], whole, check_names=False)


def test_arrow_ratings_for_an_unknown_touchpoint_are_refused(pizza):
    table = pa.table(
        {"touchpoint": ["menu", "oven"], "expected": [4.0, 5.0], "experienced": [5.0, 5.0]}
    )
    with pytest.raises(RatingsError, match="'oven' is not a touchpoint"):
        rating_sums(pizza, table)


def test_sums_made_with_another_curvature_are_refused(pizza, pizza_ratings):
    sums = rating_sums(pizza, pizza_ratings)
    with pytest.raises(InvalidInput, match="α = 1"):
        gap_table(pizza, sums, curvature=0.88)


def test_grouping_by_segment_needs_sums_per_segment(pizza, pizza_ratings):
    with pytest.raises(InvalidInput, match="by_segment=True"):
        gap_table(pizza, rating_sums(pizza, pizza_ratings), by="segment")


# Journey scores -----------------------------------------------------------------------------


def test_journey_scores_average_the_touchpoint_gaps(pizza, pizza_ratings):
    scores = journey_scores(pizza, pizza_ratings)
    table = gap_table(pizza, pizza_ratings)
    gap = (pizza_ratings["experienced"] - pizza_ratings["expected"]).groupby(
        pizza_ratings["touchpoint"]
    )
    assert scores.mean_gap == pytest.approx(gap.mean().mean())
    weights = table.set_index("touchpoint")["importance"]
    assert scores.weighted_gap == pytest.approx(float((gap.mean() * weights).sum() / weights.sum()))
    assert scores.loss_adjusted_score == pytest.approx(table["loss_adjusted_gap"].mean())
    assert scores.recovery_debt == table["recovery_debt"].sum()
    assert scores.ratings == len(pizza_ratings.dropna(subset=["expected", "experienced"]))


def test_dimension_gaps_cover_all_five_servqual_dimensions(pizza, pizza_ratings):
    scores = journey_scores(pizza, pizza_ratings)
    table = gap_table(pizza, pizza_ratings)
    reliability = table[table["dimension"] == "reliability"]["gap_mean"].mean()
    assert list(scores.dimension_gaps) == [
        "tangibles", "reliability", "responsiveness", "assurance", "empathy"
    ]  # fmt: skip
    assert scores.dimension_gaps["reliability"] == pytest.approx(reliability)


def test_peak_end_is_the_mean_of_the_most_intense_and_the_last_gap_on_the_path():
    journey = Journey.model_validate(
        {
            "name": "Line",
            "stages": ["A", "B"],
            "touchpoints": [
                {"id": "a", "name": "a", "stage": "A"},
                {"id": "b", "name": "b", "stage": "A"},
                {"id": "c", "name": "c", "stage": "B"},
            ],
            "transitions": [{"from": "a", "to": "b"}, {"from": "b", "to": "c"}],
        }
    )
    frame = ratings([("a", 4, 5), ("b", 6, 2), ("c", 4, 4.5)])  # gaps +1, −4, +0.5
    scores = journey_scores(journey, frame)
    assert scores.path == ("a", "b", "c")
    assert (scores.peak_touchpoint, scores.end_touchpoint) == ("b", "c")
    assert scores.peak_end_score == pytest.approx((-4 + 0.5) / 2)


def test_the_remembered_path_reaches_the_last_stage(pizza):
    # Seeing the ad and leaving is the likeliest path of all, but there is nothing to remember.
    path = remembered_path(pizza)
    assert path[-1] in {"feedback", "reorder"}
    assert path[0] in {"ad", "menu"}


def test_scores_convert_to_a_frame_and_to_json_values(pizza, pizza_ratings):
    scores = journey_scores(pizza, pizza_ratings)
    assert list(scores.to_frame().columns) == ["score", "value", "about"]
    assert scores.as_dict()["path"] == list(scores.path)
    empty = journey_scores(pizza, empty_ratings()).as_dict()
    assert empty["mean_gap"] is None and empty["dimension_gaps"]["empathy"] is None


# Benchmark ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_benchmark_runs_in_quick_mode():
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "bench_gaps.py"), "--quick"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert "ratio" in done.stdout
