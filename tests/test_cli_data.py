"""The data commands: validate, schema, import, list; exit 0 on success, 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from journeymap.store import open_store
from tests.conftest import SAMPLES, run_cli


@pytest.fixture
def db(tmp_path):
    return str(tmp_path / "cli.duckdb")


def test_help_lists_the_commands():
    out = subprocess.run(
        [sys.executable, "-m", "journeymap.cli", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for command in ("validate", "schema", "import", "list", "app"):
        assert command in out


def test_validate_passes_every_sample(capsys):
    files = [str(p) for p in sorted(SAMPLES.glob("*.json")) + sorted(SAMPLES.glob("*.csv"))]
    code, out, err = run_cli(capsys, "validate", *files)
    assert code == 0, err
    assert out.count("ok  ") == 12


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda j: j["transitions"].append({"from": "menu", "to": "oven", "share": 0.1}),
            "transitions[12].to: 'oven' is not a touchpoint",
            id="transition-to-missing-touchpoint",
        ),
        pytest.param(
            lambda j: j["touchpoints"][1].update(stage="Pay"),
            "touchpoints[1].stage: 'Pay' is not one of the stages",
            id="stage-not-in-stages",
        ),
        pytest.param(
            lambda j: j["transitions"].append({"from": "menu", "to": "reorder", "share": 0.5}),
            "shares leaving 'menu' add up to 1.4, more than 1",
            id="shares-over-one",
        ),
    ],
)
def test_validate_fails_with_exit_code_2_naming_the_field(capsys, tmp_path, change, message):
    data = json.loads((SAMPLES / "pizza_delivery.json").read_text())
    change(data)
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data))
    code, out, err = run_cli(capsys, "validate", str(path))
    assert code == 2
    assert "broken.json: " in err and message in err


def test_schema_prints_json_schema(capsys):
    code, out, _ = run_cli(capsys, "schema")
    assert code == 0 and json.loads(out)["title"] == "Journey"


def test_import_then_list(capsys, db):
    code, out, err = run_cli(
        capsys,
        "import",
        str(SAMPLES / "pizza_delivery.json"),
        "--ratings",
        str(SAMPLES / "pizza_delivery.csv"),
        "--db",
        db,
    )
    assert code == 0, err
    assert "pizza-delivery version 1 with 443 ratings" in out
    code, out, _ = run_cli(capsys, "list", "--db", db)
    assert code == 0 and "pizza-delivery" in out and "443" in out


def test_import_ratings_into_a_stored_journey(capsys, db):
    run_cli(capsys, "import", str(SAMPLES / "pizza_delivery.json"), "--db", db)
    code, out, _ = run_cli(
        capsys,
        "import",
        "pizza-delivery",
        "--ratings",
        str(SAMPLES / "pizza_delivery.csv"),
        "--db",
        db,
    )
    assert code == 0 and "added to pizza-delivery with 443 ratings" in out


def test_import_with_one_bad_row_stores_nothing(capsys, db, tmp_path):
    rows = (SAMPLES / "pizza_delivery.csv").read_text().splitlines()
    rows[200] = "order,9,4,5,R1,new,2026-10-01T00:00:00+00:00"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(rows) + "\n")
    code, _, err = run_cli(
        capsys, "import", str(SAMPLES / "pizza_delivery.json"), "--ratings", str(bad), "--db", db
    )
    assert code == 2
    assert "bad.csv: row 201, expected: 9 is outside the journey's 1–7 scale" in err
    with open_store(db) as store:
        assert store.journeys() == []


def test_unknown_stored_journey_exits_2(capsys, db):
    code, _, err = run_cli(
        capsys, "import", "nope", "--ratings", str(SAMPLES / "pizza_delivery.csv"), "--db", db
    )
    assert code == 2 and "no journey 'nope'" in err


def test_list_says_how_to_start_when_empty(capsys, db):
    code, out, _ = run_cli(capsys, "list", "--db", db)
    assert code == 0 and "No journeys" in out


def test_locked_database_is_a_message_not_a_traceback(capsys, db):
    with open_store(db):
        result = subprocess.run(
            [sys.executable, "-m", "journeymap.cli", "list", "--db", db],
            capture_output=True,
            text=True,
        )
    assert result.returncode == 1
    assert "is in use by another journeymap process" in result.stderr
    assert "Traceback" not in result.stderr


def test_library_does_not_import_streamlit():
    script = (
        "import sys, journeymap, journeymap.cli, journeymap.store, journeymap.samples;"
        "import pkgutil, importlib;"
        "[importlib.import_module(m.name) for m in pkgutil.walk_packages(journeymap.__path__, 'journeymap.')"
        " if not m.name.startswith('journeymap.ui') and not m.name.endswith('__main__')];"
        "print('streamlit' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
