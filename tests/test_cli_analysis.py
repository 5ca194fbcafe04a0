"""The analysis commands: gaps, score, flow; from files or the store; exit 2 on bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from journeymap.cli import main
from journeymap.gaps import gap_table
from journeymap.graph import flow_table
from tests.conftest import SAMPLES, run_cli

PIZZA = str(SAMPLES / "pizza_delivery.json")
PIZZA_CSV = str(SAMPLES / "pizza_delivery.csv")


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.duckdb")


@pytest.fixture
def stored(db, capsys):
    assert main(["import", PIZZA, "--ratings", PIZZA_CSV, "--db", db]) == 0
    capsys.readouterr()
    return db


def test_help_lists_the_analysis_commands():
    out = subprocess.run(
        [sys.executable, "-m", "journeymap.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for command in ("gaps", "score", "flow"):
        assert command in out


def test_gaps_csv_is_the_gap_table(capsys, pizza, pizza_ratings):
    code, out, err = run_cli(capsys, "gaps", PIZZA, "--ratings", PIZZA_CSV, "--format", "csv")
    assert code == 0, err
    printed = pd.read_csv(io.StringIO(out))
    expected = gap_table(pizza, pizza_ratings)
    assert list(printed.columns) == list(expected.columns)
    pd.testing.assert_series_equal(printed["gap_mean"], expected["gap_mean"], rtol=1e-12)


def test_gaps_of_a_stored_journey_use_its_stored_ratings(capsys, stored):
    code, from_store, err = run_cli(
        capsys, "gaps", "pizza-delivery", "--db", stored, "--format", "json"
    )
    assert code == 0, err
    _, from_file, _ = run_cli(capsys, "gaps", PIZZA, "--ratings", PIZZA_CSV, "--format", "json")
    pd.testing.assert_frame_equal(
        pd.DataFrame(json.loads(from_store)), pd.DataFrame(json.loads(from_file)), rtol=1e-12
    )


def test_gaps_by_segment_with_a_segment_filter_from_the_store(capsys, stored):
    code, out, err = run_cli(
        capsys, "gaps", "pizza-delivery", "--db", stored, "--by", "segment",
        "--segment", "new", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    rows = json.loads(out)
    assert [r["segment"] for r in rows] == ["new"]


def test_gaps_options_reach_the_table(capsys, pizza, pizza_ratings):
    code, out, _ = run_cli(
        capsys, "gaps", PIZZA, "--ratings", PIZZA_CSV, "--loss-aversion", "12",
        "--curvature", "--role", "courier", "--format", "json",
    )  # fmt: skip
    assert code == 0
    expected = gap_table(pizza, pizza_ratings, loss_aversion=12, curvature=0.88, roles=["courier"])
    rows = json.loads(out)
    assert [r["touchpoint"] for r in rows] == ["deliver"]
    assert rows[0]["loss_adjusted_gap"] == pytest.approx(expected["loss_adjusted_gap"].iloc[0])


def test_score_prints_the_journey_scores(capsys):
    code, out, err = run_cli(capsys, "score", PIZZA, "--ratings", PIZZA_CSV, "--format", "json")
    assert code == 0, err
    scores = json.loads(out)
    assert set(scores["dimension_gaps"]) == {
        "tangibles", "reliability", "responsiveness", "assurance", "empathy"
    }  # fmt: skip
    assert scores["path"][-1] in {"feedback", "reorder"}
    code, out, _ = run_cli(capsys, "score", PIZZA, "--ratings", PIZZA_CSV)
    assert "peak-end score" in out


def test_flow_prints_visits_paths_and_priority(capsys, pizza):
    code, out, err = run_cli(
        capsys, "flow", PIZZA, "--ratings", PIZZA_CSV, "--entries", "500", "--paths", "3",
        "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    document = json.loads(out)
    visits = {r["touchpoint"]: r["visits"] for r in document["touchpoints"]}
    expected = flow_table(pizza, arrivals=500).set_index("touchpoint")["visits"]
    assert visits == pytest.approx(expected.to_dict())
    assert len(document["paths"]) == 3 and document["unreachable"] == []
    assert max(document["touchpoints"], key=lambda r: r["priority"])["touchpoint"] == "deliver"


def test_flow_of_a_journey_file_needs_no_ratings(capsys):
    code, out, err = run_cli(capsys, "flow", PIZZA)
    assert code == 0, err
    assert "Most likely paths of 1,000 arriving customers" in out
    assert "priority" not in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(["gaps", PIZZA], "has no ratings", id="journey-file-without-ratings"),
        pytest.param(
            ["gaps", PIZZA, "--ratings", PIZZA_CSV, "--loss-aversion", "-1"],
            "loss_aversion: must be a positive number",
            id="negative-loss-aversion",
        ),
        pytest.param(
            ["score", PIZZA, "--ratings", PIZZA_CSV, "--recovery-ratio", "-3"],
            "recovery_ratio",
            id="negative-recovery-ratio",
        ),
        pytest.param(["flow", PIZZA, "--entries", "0"], "arrivals", id="no-arrivals"),
        pytest.param(["gaps", "no-such-journey"], "no-such-journey", id="unknown-journey-id"),
    ],
)
def test_bad_input_exits_2_with_the_message(capsys, db, args, message):
    code, _, err = run_cli(capsys, *args, "--db", db)
    assert code == 2
    assert message in err


def test_unknown_grouping_is_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["gaps", PIZZA, "--ratings", PIZZA_CSV, "--by", "colour"])
    assert exit_info.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
