"""Ratings CSVs: what spreadsheets export is accepted; bad rows are named by row and column."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from journeymap.errors import RatingsError
from journeymap.ratings import RATING_COLUMNS, ratings_from_frame, read_ratings
from tests.conftest import SAMPLES


def parse(text: str | bytes, journey):
    data = text.encode() if isinstance(text, str) else text
    return read_ratings(data, journey, name="survey.csv")


def problems(text: str, journey) -> list[str]:
    with pytest.raises(RatingsError) as caught:
        parse(text, journey)
    return [str(p) for p in caught.value.problems]


def test_sample_ratings_have_at_least_thirty_respondents_with_importance(pizza):
    for path in SAMPLES.glob("*.csv"):
        frame = pd.read_csv(path)
        assert frame["respondent"].nunique() >= 30, path.name
        assert frame["importance"].notna().all(), path.name


def test_minimal_csv_gives_canonical_columns(pizza):
    frame = parse("touchpoint,expected,experienced\norder,5,4.5\n", pizza).frame
    assert list(frame.columns) == list(RATING_COLUMNS)
    assert frame.loc[0, "expected"] == 5.0 and frame.loc[0, "experienced"] == 4.5
    assert math.isnan(frame.loc[0, "importance"]) and frame.loc[0, "respondent"] == ""


def test_empty_expected_or_experienced_cells_are_allowed(pizza):
    frame = parse("touchpoint,expected,experienced\norder,,4\ntracking,5,\n", pizza).frame
    assert frame["expected"].isna().tolist() == [True, False]
    assert frame["experienced"].isna().tolist() == [False, True]


def test_touchpoint_names_are_accepted_in_any_case(pizza):
    frame = parse("touchpoint,expected,experienced\nphone ORDER,5,4\n", pizza).frame
    assert frame.loc[0, "touchpoint"] == "order"


def test_excel_export_with_bom_semicolons_decimal_commas_and_crlf(pizza):
    data = "\ufeffTouchpoint;Expected;Experienced;Importance\r\norder;5,5;4;3\r\n".encode()
    frame = parse(data, pizza).frame
    assert frame.loc[0, ["expected", "experienced", "importance"]].tolist() == [5.5, 4.0, 3.0]


def test_tab_separated_files_are_accepted(pizza):
    assert len(parse("touchpoint\texpected\texperienced\norder\t5\t4\n", pizza).frame) == 1


def test_unknown_columns_are_reported_as_warnings(pizza):
    parsed = parse("touchpoint,expected,experienced,email\norder,5,4,a@b.c\n", pizza)
    assert parsed.warnings == ["survey.csv: ignored columns not in the ratings format: email"]


def test_optional_columns_are_read(pizza):
    text = (
        "touchpoint,expected,experienced,importance,respondent,segment,adequate,desired,recorded_at\n"
        "order,5,4,6,R1,new,3,6,2026-10-01T09:30:00+02:00\n"
    )
    row = parse(text, pizza).frame.iloc[0]
    assert (row["respondent"], row["segment"], row["adequate"], row["desired"]) == (
        "R1",
        "new",
        3,
        6,
    )
    assert row["recorded_at"] == pd.Timestamp("2026-10-01T07:30:00Z")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "touchpoint,expected,experienced\norder,5,4\norder,5,9\n",
            "row 3, experienced: 9 is outside the journey's 1–7 scale",
            id="rating-above-scale",
        ),
        pytest.param(
            "touchpoint,expected,experienced\norder,0.5,4\n",
            "row 2, expected: 0.5 is outside the journey's 1–7 scale",
            id="rating-below-scale",
        ),
        pytest.param(
            "touchpoint,expected,experienced\noven,5,4\n",
            "row 2, touchpoint: 'oven' is not a touchpoint of 'Pizza delivery'",
            id="unknown-touchpoint",
        ),
        pytest.param(
            "touchpoint,expected,experienced\norder,five,4\n",
            "row 2, expected: 'five' is not a number",
            id="not-a-number",
        ),
        pytest.param(
            "touchpoint,expected,experienced\norder,nan,4\n",
            "row 2, expected: 'nan' is not a number",
            id="nan",
        ),
        pytest.param(
            "touchpoint,expected,experienced\norder,inf,4\n",
            "row 2, expected: inf is not a finite number",
            id="infinite",
        ),
        pytest.param(
            "touchpoint,expected,experienced,importance\norder,5,4,0\n",
            "row 2, importance: 0 must be greater than 0",
            id="importance-zero",
        ),
        pytest.param(
            "touchpoint,expected,experienced,recorded_at\norder,5,4,last tuesday\n",
            "row 2, recorded_at: 'last tuesday' is not an ISO date/time",
            id="bad-date",
        ),
        pytest.param(
            "touchpoint,expected\norder,5\n",
            "row 1: missing column(s) experienced; the header needs touchpoint, expected, experienced",
            id="missing-column",
        ),
        pytest.param(
            "touchpoint,expected,experienced\n",
            "has a header but no rating rows",
            id="header-only",
        ),
        pytest.param(
            ",,,\n",
            "row 1: missing column(s) touchpoint, expected, experienced; the header needs touchpoint, expected, experienced",
            id="no-header",
        ),
    ],
)
def test_bad_rows_are_named_by_row_and_column(pizza, text, expected):
    assert expected in problems(text, pizza)


def test_every_bad_row_is_reported_not_only_the_first(pizza):
    text = "touchpoint,expected,experienced\n" + "order,9,4\n" * 50
    with pytest.raises(RatingsError) as caught:
        parse(text, pizza)
    assert len(caught.value.problems) == 50
    assert "… and 30 more problems" in str(caught.value)


def test_empty_file_is_rejected(pizza):
    with pytest.raises(RatingsError, match="survey.csv: is empty"):
        parse("", pizza)


def test_oversized_file_is_refused_before_parsing(pizza):
    with pytest.raises(RatingsError, match="ratings files are at most 1 MB"):
        read_ratings(b"x" * 2_000_000, pizza, max_bytes=1_000_000)


def test_form_rows_are_validated_like_a_file(pizza):
    rows = pd.DataFrame(
        {"touchpoint": ["order", "tracking"], "expected": [5, None], "experienced": [4, 8]}
    )
    with pytest.raises(RatingsError, match=r"form: row 3, experienced: 8 is outside"):
        ratings_from_frame(rows, pizza, source="form")


def test_a_huge_bad_file_is_summarised_not_listed_row_by_row(pizza):
    text = "touchpoint,expected,experienced\n" + "order,9,4\n" * 200_000
    with pytest.raises(RatingsError) as caught:
        parse(text, pizza)
    assert caught.value.total == 200_000
    assert len(caught.value.problems) <= 100
    assert "… and 199,980 more problems" in str(caught.value)
