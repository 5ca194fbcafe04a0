"""`journeymap simulate`: the issue's command line, journeys, CSV values and bad input (exit 2)."""

from __future__ import annotations

import io
import subprocess
import sys

import pandas as pd
import pytest

from tests.conftest import SAMPLES, run_cli

ISSUE_COMMAND = [
    "simulate",
    "--lever", "time",
    "--delivered", "lognormal:median=45,p90=60",
    "--promise", "30,45,60,90",
    "--draws", "200000",
    "--seed", "1",
    "--format", "csv",
]  # fmt: skip
REQUIRED_COLUMNS = [
    "promise",
    "p_met",
    "p_delight",
    "mean_margin",
    "mean_shortfall",
    "satisfaction",
    "conversion",
    "retention",
    "value_per_1000",
    "recommended",
]


def csv_of(out: str) -> pd.DataFrame:
    return pd.read_csv(io.StringIO(out))


def test_the_issues_command_prints_one_row_per_promise_and_recommends_60(capsys):
    code, out, err = run_cli(capsys, *ISSUE_COMMAND)
    assert code == 0, err
    table = csv_of(out)
    assert table["promise"].tolist() == [30, 45, 60, 90]
    assert list(table.columns[: len(REQUIRED_COLUMNS)]) == REQUIRED_COLUMNS
    assert table.loc[table["recommended"], "promise"].tolist() == [60]


def test_the_same_seed_prints_the_same_numbers(capsys):
    first = run_cli(capsys, *ISSUE_COMMAND)[1]
    assert run_cli(capsys, *ISSUE_COMMAND)[1] == first


def test_promise_range_includes_its_stop_and_joins_the_listed_promises(capsys):
    code, out, err = run_cli(
        capsys, *ISSUE_COMMAND[:-2], "--promise-range", "20:120:5", "--format", "csv"
    )
    assert code == 0, err
    promises = csv_of(out)["promise"].tolist()
    assert promises[0] == 20 and promises[-1] == 120 and len(promises) == 21
    assert {30, 45, 60, 90} <= set(promises)


def test_without_promises_the_default_range_is_swept(capsys):
    code, out, err = run_cli(
        capsys,
        "simulate",
        "--lever", "service",
        "--delivered", "discrete:1=0.75,2=0.2,3=0.05",
        "--seed", "3",
        "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    assert csv_of(out)["promise"].tolist() == [1, 2, 3]


def test_table_format_is_readable_text(capsys):
    code, out, _ = run_cli(capsys, *ISSUE_COMMAND[:-2])
    assert code == 0
    assert out.splitlines()[0].split()[:3] == ["promise", "p_met", "p_delight"]


def test_a_journey_file_runs_every_promise(capsys):
    code, out, err = run_cli(
        capsys, "simulate", str(SAMPLES / "pizza_delivery.json"), "--seed", "1",
        "--draws", "20000", "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    table = csv_of(out)
    assert sorted(table["touchpoint"].unique()) == ["app_order", "deliver", "pizza"]
    assert (table.groupby("promise_index")["recommended"].sum() == 1).all()


def test_a_stored_journey_is_found_by_id(capsys, tmp_path):
    db = str(tmp_path / "sim.duckdb")
    assert run_cli(capsys, "import", str(SAMPLES / "taxi_booking.json"), "--db", db)[0] == 0
    code, out, err = run_cli(
        capsys, "simulate", "taxi-booking", "--db", db, "--lever", "service", "--seed", "1",
        "--draws", "20000", "--format", "csv",
    )  # fmt: skip
    assert code == 0, err
    table = csv_of(out)
    assert set(table["lever"]) == {"service"} and table["promise"].tolist() == [1, 2, 3]


def test_compare_prints_one_row_per_lever_with_the_chosen_one_marked(capsys):
    code, out, err = run_cli(
        capsys, "simulate", str(SAMPLES / "dental_clinic.json"), "--compare", "--seed", "1",
        "--draws", "20000", "--format", "json",
    )  # fmt: skip
    assert code == 0, err
    rows = pd.read_json(io.StringIO(out))
    assert rows["lever"].tolist() == ["time", "cost", "service"]
    assert rows.loc[rows["chosen"], "lever"].tolist() == ["cost"]


def test_economics_options_change_the_value_model(capsys):
    base = csv_of(run_cli(capsys, *ISSUE_COMMAND)[1]).set_index("promise")
    code, out, err = run_cli(
        capsys, *ISSUE_COMMAND, "--value-retained", "0", "--base-conversion", "0.2"
    )
    assert code == 0, err
    changed = csv_of(out).set_index("promise")
    # With nothing to gain from keeping customers, value is 1,000 × conversion × 1.
    pd.testing.assert_series_equal(
        changed["value_per_1000"], 1000 * changed["conversion"], check_names=False
    )
    assert changed.loc[45, "conversion"] == pytest.approx(2 * base.loc[45, "conversion"])


def test_values_from_a_csv_column_equal_the_same_values_typed_inline(capsys, tmp_path):
    times = tmp_path / "times.csv"
    times.write_text("order;minutes\nA;41,5\nB;45\nC;\nD;52\nE;60\n")
    common = ["--lever", "time", "--promise", "45,60", "--seed", "5", "--format", "csv"]
    code, from_file, err = run_cli(capsys, "simulate", "--values-from", f"{times}:minutes", *common)
    assert code == 0, err
    inline = run_cli(capsys, "simulate", "--delivered", "empirical:41.5,45,52,60", *common)[1]
    assert from_file == inline


def test_help_documents_the_economics_defaults():
    out = subprocess.run(
        [sys.executable, "-m", "journeymap.cli", "simulate", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--retention-miss" in out and "89 %" in out and "--promise-range" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        pytest.param(
            ["--lever", "time", "--delivered", "lognormal:median=45"],
            "--delivered: lognormal needs median and p90",
            id="missing-parameter",
        ),
        pytest.param(
            ["--lever", "time", "--delivered", "weibull:k=2"],
            "--delivered: 'weibull' is not a distribution",
            id="unknown-distribution",
        ),
        pytest.param(
            ["--lever", "time", "--delivered", "lognormal:median=45,p90=40"],
            "--delivered: lognormal: p90 (40) must be greater than median (45)",
            id="p90-below-median",
        ),
        pytest.param(
            ["--lever", "time", "--delivered", "normal:mean=x,sd=1"],
            "--delivered: mean='x' is not a number",
            id="not-a-number",
        ),
        pytest.param(
            ["--lever", "service", "--delivered", "discrete:1=0.5,2=0.2"],
            "--delivered: discrete: probabilities add up to 0.7, not 1",
            id="probabilities-not-one",
        ),
        pytest.param(["--delivered", "lognormal:median=45,p90=60"], "--lever: ", id="no-lever"),
        pytest.param(["--lever", "time"], "--delivered: say what is delivered", id="no-delivered"),
        pytest.param(
            ["--lever", "time", "--delivered", "normal:mean=45,sd=5", "--promise", "30,abc"],
            "--promise: 'abc' is not a number",
            id="bad-promise",
        ),
        pytest.param(
            [
                "--lever",
                "time",
                "--delivered",
                "normal:mean=45,sd=5",
                "--promise-range",
                "120:20:5",
            ],
            "--promise-range: '120:20:5' needs START ≤ STOP",
            id="backwards-range",
        ),
        pytest.param(
            ["--lever", "time", "--delivered", "normal:mean=45,sd=5", "--promise", "-5"],
            "-5 is negative",
            id="negative-time-promise",
        ),
        pytest.param(
            ["--lever", "time", "--delivered", "normal:mean=45,sd=5", "--retention-miss", "1.5"],
            "--retention-miss: must lie between 0 and 1",
            id="retention-above-one",
        ),
        pytest.param(
            ["--lever", "time", "--delivered", "normal:mean=45,sd=5", "--draws", "0"],
            "--draws: 0 must be 1 to",
            id="no-draws",
        ),
        pytest.param(
            ["--lever", "time", "--delivered", "normal:mean=45,sd=5", "--compare"],
            "--compare: needs a JOURNEY",
            id="compare-without-journey",
        ),
        pytest.param(
            [str(SAMPLES / "pizza_delivery.json"), "--promise", "30"],
            "--promise: applies to one delivered distribution",
            id="promise-with-journey",
        ),
        pytest.param(
            [str(SAMPLES / "dental_clinic.json"), "--lever", "service"],
            "the journey makes no promise on service",
            id="journey-without-that-lever",
        ),
        pytest.param(
            [
                "--lever",
                "time",
                "--delivered",
                "lognormal:median=45,p90=60",
                "--loss-aversion",
                "0",
            ],
            "--loss-aversion: 0 must be greater than 0",
            id="zero-loss-aversion",
        ),
    ],
)
def test_bad_input_exits_2_naming_the_option(capsys, args, message):
    code, out, err = run_cli(capsys, "simulate", *args)
    assert code == 2
    assert message in err and out == ""


@pytest.mark.parametrize(
    ("content", "spec", "message"),
    [
        pytest.param(
            "minutes\n41\n45\nfast\n",
            "times.csv:minutes",
            "times.csv: row 4, minutes: 'fast' is not a number",
            id="non-number-cell",
        ),
        pytest.param(
            "order,minutes\nA,41\n",
            "times.csv:mins",
            "times.csv: row 1: no column 'mins'",
            id="wrong-column",
        ),
        pytest.param(
            "order,minutes\nA,41\n",
            "times.csv",
            "times.csv: row 1: has 2 columns; say which",
            id="which-column",
        ),
        pytest.param(
            "minutes\n\n", "times.csv:minutes", "times.csv: minutes: has no values", id="no-values"
        ),
    ],
)
def test_bad_values_files_exit_2_naming_file_row_and_column(
    capsys, tmp_path, content, spec, message
):
    (tmp_path / "times.csv").write_text(content)
    path, _, column = spec.partition(":")
    source = str(tmp_path / path) + (f":{column}" if column else "")
    code, _, err = run_cli(
        capsys, "simulate", "--lever", "time", "--values-from", source, "--promise", "45"
    )
    assert code == 2
    assert message in err


def test_values_from_goes_only_with_an_empirical_distribution(capsys, tmp_path):
    (tmp_path / "t.csv").write_text("m\n1\n")
    code, _, err = run_cli(
        capsys, "simulate", "--lever", "time", "--delivered", "normal:mean=1,sd=1",
        "--values-from", str(tmp_path / "t.csv"),
    )  # fmt: skip
    assert code == 2 and "--values-from: goes with --delivered empirical" in err


def test_a_missing_values_file_exits_2(capsys, tmp_path):
    code, _, err = run_cli(
        capsys, "simulate", "--lever", "time", "--values-from", str(tmp_path / "nope.csv:minutes")
    )
    assert code == 2 and "nope.csv: cannot be read" in err
