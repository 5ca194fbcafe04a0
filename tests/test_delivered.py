"""Delivered distributions from text specs and CSV columns, with errors that say where."""

from __future__ import annotations

import pytest

from journeymap.delivered import parse_delivered, read_values
from journeymap.errors import InvalidInput
from journeymap.model import Discrete, Empirical, LogNormal, Normal, Triangular


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        pytest.param("lognormal:median=45,p90=60", LogNormal(median=45, p90=60), id="lognormal"),
        pytest.param(
            " Normal: sd=0.7 , mean=12.6 ", Normal(mean=12.6, sd=0.7), id="normal-any-order"
        ),
        pytest.param(
            "triangular:min=380,mode=440,max=560",
            Triangular(min=380, mode=440, max=560),
            id="triangular",
        ),
        pytest.param("empirical:41,45,52.5", Empirical(values=[41, 45, 52.5]), id="empirical"),
        pytest.param(
            "discrete:1=0.75,2=0.2,3=0.05",
            Discrete(levels=[1, 2, 3], probabilities=[0.75, 0.2, 0.05]),
            id="discrete",
        ),
    ],
)
def test_specs_give_the_journey_files_distributions(spec, expected):
    assert parse_delivered(spec) == expected


def test_a_bare_empirical_takes_the_values_given_separately():
    assert parse_delivered("empirical", values=[1.0, 2.0]) == Empirical(values=[1, 2])


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        pytest.param("gamma:k=2", "'gamma' is not a distribution", id="unknown"),
        pytest.param("normal:mean=1", "normal needs mean and sd", id="missing"),
        pytest.param("normal:mean=1,sd=2,skew=3", "(not skew)", id="unknown-parameter"),
        pytest.param("normal:mean=1,sd", "'sd' is not KEY=VALUE", id="no-equals"),
        pytest.param("normal:mean=inf,sd=1", "mean='inf' is not a number", id="infinite"),
        pytest.param(
            "normal:mean=1,sd=0", "normal sd: 0.0: input should be greater than 0", id="zero-sd"
        ),
        pytest.param("triangular:min=5,mode=1,max=9", "needs min ≤ mode ≤ max", id="mode-outside"),
        pytest.param("empirical:1,x", "'x' is not a number", id="empirical-text"),
        pytest.param("discrete:", "discrete needs levels", id="discrete-empty"),
        pytest.param("discrete:a=1", "level='a' is not a number", id="discrete-level-text"),
    ],
)
def test_bad_specs_name_the_option(spec, message):
    with pytest.raises(InvalidInput) as caught:
        parse_delivered(spec, option="--delivered")
    assert str(caught.value).startswith("--delivered: ")
    assert message in str(caught.value)


def test_values_are_read_from_the_named_column_skipping_blank_cells(tmp_path):
    path = tmp_path / "times.csv"
    path.write_text("order,minutes\nA,41\nB,\nC, 45.5\n")
    assert read_values(path, "minutes") == [41.0, 45.5]


def test_semicolon_files_with_decimal_commas_and_a_bom_are_read():
    data = "\ufefforder;minutes\r\nA;41,5\r\nB;45\r\n".encode()
    assert read_values(data, "minutes", name="export.csv") == [41.5, 45.0]


def test_a_single_column_file_needs_no_column_name(tmp_path):
    path = tmp_path / "times.csv"
    path.write_text("minutes\n41\n45\n")
    assert read_values(path) == [41.0, 45.0]


def test_every_bad_cell_is_counted_and_the_first_ones_are_named(tmp_path):
    path = tmp_path / "times.csv"
    path.write_text("minutes\n" + "late\n" * 30 + "45\n")
    with pytest.raises(InvalidInput) as caught:
        read_values(path, "minutes")
    message = str(caught.value)
    assert "times.csv: row 2, minutes: 'late' is not a number" in message
    assert "… and 10 more problems" in message


def test_an_oversized_file_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.csv"
    path.write_text("minutes\n" + "45\n" * 100)
    with pytest.raises(InvalidInput, match="big.csv: is larger than"):
        read_values(path, "minutes", max_bytes=50)
